package bench

import (
	"context"
	"fmt"
	"time"
)

// Counters is what the request counts are read from: the emulator's
// counters (exact, noise-free) and its connection count.
type Counters interface {
	Counters(app string) map[string]int
	ResetCounters()
	Connections() int
}

// CountRow is the requests one Terraform command made.
type CountRow struct {
	Kind        Kind
	N           int
	Phase       Phase
	Counts      map[string]int // per emulator route
	Want        map[string]int // Expected
	Processes   int            // provider processes Terraform started; -1 when not counted
	Connections int            // TCP connections the emulator accepted
	Wall        time.Duration
}

// Miss says how the counts differ from the target ("" when they match).
func (r CountRow) Miss() string { return Diff(r.Counts, r.Want) }

// MeasureRequests applies n resources of kind in ws, plans with nothing to
// change, and destroys them, reading the counters after each command, and
// sets each row's Want from Expected. It stops at the first command that
// fails, with the rows so far.
func MeasureRequests(ctx context.Context, c Counters, ws *Workspace, kind Kind, n int, processFile string) ([]CountRow, error) {
	var rows []CountRow
	for _, p := range Phases {
		row, err := MeasurePhase(ctx, c, ws, p, processFile)
		if err != nil {
			return rows, fmt.Errorf("%d × %s: %w", n, kind, err)
		}
		row.Kind, row.N, row.Want = kind, n, Expected(kind, p, n)
		rows = append(rows, row)
	}
	return rows, nil
}

// MeasurePhase runs one command with the counters reset before it and
// returns what it cost (Kind, N and Want are the caller's to fill).
// processFile, when set, is the file the counting shim appends to (see
// WriteCountingShim); it is emptied first.
func MeasurePhase(ctx context.Context, c Counters, ws *Workspace, p Phase, processFile string) (CountRow, error) {
	c.ResetCounters()
	row := CountRow{Phase: p, Processes: -1}
	if processFile != "" {
		if err := truncate(processFile); err != nil {
			return row, err
		}
	}
	res, err := ws.Run(ctx, p)
	if err != nil {
		return row, err
	}
	row.Counts, row.Connections, row.Wall = c.Counters(""), c.Connections(), res.Wall
	if processFile != "" {
		if row.Processes, err = CountLines(processFile); err != nil {
			return row, err
		}
	}
	return row, nil
}

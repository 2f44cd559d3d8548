package bench

import (
	"context"
	"fmt"
	"time"
)

// Timed is one configuration whose apply and no-change plan are timed.
type Timed struct {
	Label       string
	WS          *Workspace
	Apply, Plan []time.Duration // wall time
	// ApplyCPU and PlanCPU are the CPU time of the same runs (Result.CPU).
	ApplyCPU, PlanCPU []time.Duration
}

// MeasureOverhead times, reps times, an apply from nothing and then a plan
// with nothing to change of each configuration, destroying in between
// (untimed). The configurations take turns, and the order rotates every
// repetition, so that a busy moment of a shared machine lands on all of
// them rather than on one. One untimed round first warms the page cache.
func MeasureOverhead(ctx context.Context, sets []*Timed, reps int) error {
	run := func(t *Timed, record bool) error {
		a, err := t.WS.Run(ctx, Apply)
		if err != nil {
			return fmt.Errorf("%s: %w", t.Label, err)
		}
		p, err := t.WS.Run(ctx, Plan)
		if err != nil {
			return fmt.Errorf("%s: %w", t.Label, err)
		}
		if _, err := t.WS.Run(ctx, Destroy); err != nil {
			return fmt.Errorf("%s: %w", t.Label, err)
		}
		if record {
			t.Apply, t.ApplyCPU = append(t.Apply, a.Wall), append(t.ApplyCPU, a.CPU)
			t.Plan, t.PlanCPU = append(t.Plan, p.Wall), append(t.PlanCPU, p.CPU)
		}
		return nil
	}
	for _, t := range sets {
		if err := run(t, false); err != nil {
			return err
		}
	}
	for r := range reps {
		for i := range sets {
			if err := run(sets[(i+r)%len(sets)], true); err != nil {
				return err
			}
		}
	}
	return nil
}

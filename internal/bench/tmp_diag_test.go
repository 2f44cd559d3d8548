package bench

import (
	"context"
	"net/http/httptrace"
	"sync/atomic"
	"testing"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

func TestTmpDiag(t *testing.T) {
	e := sharedEmulator(t)
	for run := 0; run < 6; run++ {
		e.Reset(false)
		c, _ := ortc.New(ortc.Options{ApplicationKey: e.AppKey, PrivateKey: e.PrivateKey, ServerURL: e.URL})
		var fresh, putErr, puts atomic.Int64
		var lastPutErr atomic.Value
		trace := &httptrace.ClientTrace{
			GotConn: func(i httptrace.GotConnInfo) { if !i.Reused { fresh.Add(1) } },
			PutIdleConn: func(err error) { puts.Add(1); if err != nil { putErr.Add(1); lastPutErr.Store(err.Error()) } },
		}
		ctx := httptrace.WithClientTrace(context.Background(), trace)
		for i := 0; i < 10000; i++ {
			if _, err := c.Send(ctx, ortc.SendInput{Channel: sendChannel, Message: sendText, ID: sendID(i)}); err != nil { t.Fatal(err) }
		}
		c.CloseIdleConnections()
		t.Logf("run %d: conns %d fresh %d puts %d putErr %d last %v", run, e.Connections(), fresh.Load(), puts.Load(), putErr.Load(), lastPutErr.Load())
	}
}

package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/emulator"
)

// Emulator is an emulator served on a loopback port of this process, with
// one application. Unlike httptest.Server it counts TCP connections (its
// http.Server has the emulator's ConnState hook), which is how keep-alive is
// checked.
type Emulator struct {
	*emulator.Server
	URL        string // http://127.0.0.1:port
	AppKey     string
	PrivateKey string

	hs     *http.Server
	served chan error
}

// Application credentials of the benchmark. Not secrets: the emulator is
// local and lives as long as the benchmark.
const (
	benchAppKey     = "bench-app"
	benchPrivateKey = "bench-private-key"
)

// StartEmulator serves a new emulator with one application; enforceAuth
// makes token calls need permissions. Close it when done.
func StartEmulator(o emulator.Options, enforceAuth bool) (*Emulator, error) {
	srv, err := emulator.New(o)
	if err != nil {
		return nil, err
	}
	if err := srv.AddApp(benchAppKey, benchPrivateKey, enforceAuth); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: listen: %w", err)
	}
	e := &Emulator{
		Server:     srv,
		URL:        "http://" + ln.Addr().String(),
		AppKey:     benchAppKey,
		PrivateKey: benchPrivateKey,
		hs: &http.Server{
			Handler:           srv,
			ConnState:         srv.ConnState,
			ReadHeaderTimeout: 10 * time.Second,
		},
		served: make(chan error, 1),
	}
	go func() { e.served <- e.hs.Serve(ln) }()
	return e, nil
}

// ClusterURL is the emulator's balancer; PushURL its push API.
func (e *Emulator) ClusterURL() string { return e.URL + "/server/2.1" }

// PushURL is the emulator's mobile-push API.
func (e *Emulator) PushURL() string { return e.URL + "/mp" }

// ProviderEnv is the provider's configuration as environment variables (the
// names provider.go reads), for Terraform to pass to provider processes.
func (e *Emulator) ProviderEnv() []string {
	return []string{
		"REALTIME_APPLICATION_KEY=" + e.AppKey,
		"REALTIME_PRIVATE_KEY=" + e.PrivateKey,
		"REALTIME_CLUSTER_URL=" + e.ClusterURL(),
		"REALTIME_PUSH_URL=" + e.PushURL(),
	}
}

// ProviderGetenv is ProviderEnv as a lookup function, for a provider served
// in this process that must not read the process environment.
func (e *Emulator) ProviderGetenv() func(string) string {
	env := map[string]string{}
	for _, kv := range e.ProviderEnv() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return func(name string) string { return env[name] }
}

// Close stops serving and closes every connection.
func (e *Emulator) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := e.hs.Shutdown(ctx)
	if serveErr := <-e.served; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}

// Requests is the total of a counters map.
func Requests(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// Command realtime-emulator serves the Realtime Cloud Messaging (ORTC) REST
// API emulator (package internal/emulator) as a local server: the balancer,
// the messaging server, the mobile push API and the admin API on one port.
//
// Usage:
//
//	realtime-emulator [-listen 127.0.0.1:0] [-app KEY:PRIVATE[:enforce]]...
//	                  [-state FILE] [-seed FILE] [-page-size N]
//	                  [-public-url URL] [-allow-remote]
//
// The first line it prints is its base URL (e.g. http://127.0.0.1:41234);
// point a client at BASE/server/2.1 (cluster) and BASE/mp (push). Without
// -app and with no application in the state or seed, it creates the demo
// application demo-app with private key demo-private-key.
//
// It listens on loopback unless -allow-remote: it has no TLS and no
// authentication of its admin API. With -state it keeps everything it
// accepted in that file, saved before each answer, and refuses to start on
// a file it cannot parse (leaving the file as it is). It stops gracefully on
// SIGINT and SIGTERM.
//
// The -seed file is JSON (every section optional; see emulator.Seed):
//
//	{
//	  "apps": [{"key": "k", "privateKey": "p", "enforceAuth": true}],
//	  "subscribers": [{"app": "k", "channel": "chat", "metadata": "user:ann", "count": 2}],
//	  "devices": [{"app": "k", "topic": "news", "tokens": ["device-1"]}]
//	}
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/emulator"
)

// The demo application, created when no application is configured.
const (
	demoKey     = "demo-app"
	demoPrivate = "demo-private-key"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// appFlag collects repeated -app KEY:PRIVATE[:enforce] flags.
type appFlag []emulator.App

func (a *appFlag) String() string { return fmt.Sprint(len(*a), " apps") }

func (a *appFlag) Set(v string) error {
	parts := strings.SplitN(v, ":", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" || (len(parts) == 3 && parts[2] != "enforce") {
		return errors.New("want KEY:PRIVATE or KEY:PRIVATE:enforce")
	}
	*a = append(*a, emulator.App{Key: parts[0], PrivateKey: parts[1], EnforceAuth: len(parts) == 3})
	return nil
}

// run is the whole command, minus signal handling, so that tests can run
// it in-process. It returns the exit code: 0 after a shutdown, 2 for bad
// usage, 1 for any other failure.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("realtime-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "`address` to listen on (port 0 picks a free port)")
	var apps appFlag
	fs.Var(&apps, "app", "an application as `KEY:PRIVATE[:enforce]` (repeatable); enforce makes token calls need permissions")
	statePath := fs.String("state", "", "JSON `file` holding the state across restarts (created when missing)")
	seedPath := fs.String("seed", "", "JSON `file` of apps, subscribers and devices to seed (applied on every start)")
	pageSize := fs.Int("page-size", emulator.DefaultPageSize, "items per page of the push listings")
	publicURL := fs.String("public-url", "", "server `URL` the balancer hands out (default: http:// plus the Host the client used)")
	allowRemote := fs.Bool("allow-remote", false, "allow a listen address other than loopback")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "realtime-emulator: "+format+"\n", a...)
		return 2
	}
	switch {
	case fs.NArg() > 0:
		return usage("unexpected argument %q", fs.Arg(0))
	case *pageSize < 1:
		return usage("-page-size must be at least 1")
	}
	if err := checkListen(*listen, *allowRemote); err != nil {
		return usage("%v", err)
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "realtime-emulator: %v\n", err)
		return 1
	}

	var seed emulator.Seed
	if *seedPath != "" {
		data, err := os.ReadFile(*seedPath)
		if err != nil {
			return fail(err)
		}
		if seed, err = emulator.ParseSeed(data); err != nil {
			return fail(fmt.Errorf("%s: %w", *seedPath, err))
		}
	}
	srv, err := emulator.New(emulator.Options{PageSize: *pageSize, StatePath: *statePath, PublicURL: *publicURL})
	if err != nil {
		return fail(err)
	}
	// Listen before changing any state, so that a busy port leaves the
	// state file as it was.
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fail(err)
	}
	defer ln.Close()
	// -app flags come after the seed's apps, so they win for one key, and
	// the seed's subscribers and devices may name them.
	seed.Apps = append(seed.Apps, apps...)
	if err := srv.ApplySeed(seed); err != nil {
		return fail(err)
	}
	demo := len(srv.Apps()) == 0
	if demo {
		if err := srv.AddApp(demoKey, demoPrivate, false); err != nil {
			return fail(err)
		}
	}

	base := "http://" + ln.Addr().String()
	fmt.Fprintln(stdout, base)
	fmt.Fprintf(stdout, "cluster %s/server/2.1  push %s/mp  admin %s/_emulator/\n", base, base, base)
	if demo {
		fmt.Fprintf(stdout, "demo application key %s, private key %s\n", demoKey, demoPrivate)
	}

	hs := &http.Server{
		Handler:           srv,
		ConnState:         srv.ConnState,
		ReadHeaderTimeout: 10 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fail(err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return fail(fmt.Errorf("shutdown: %w", err))
	}
	return 0
}

// checkListen refuses addresses other than loopback unless allowed: the
// emulator hands out private keys through its admin API to anyone who asks.
func checkListen(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %v", addr, err)
	}
	if allowRemote || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-listen %q is not a loopback address; add -allow-remote to serve other hosts", addr)
}

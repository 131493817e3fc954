// Command objectlambda-gateway serves S3 Object Lambda access points in
// front of any S3-compatible store, running unchanged Object Lambda
// functions: in-process (passthrough, redact, decompress are built in),
// on AWS Lambda, or any bootstrap or container image through the Lambda
// Invoke API (AWS's Runtime Interface Emulator).
//
//	objectlambda-gateway -config gateway.yaml         # serve
//	objectlambda-gateway -config gateway.yaml -check  # validate, exit 0 or 1
//	objectlambda-gateway -version
//
// It serves the access points on Listener.Address and /metrics, /healthz
// and /readyz on Admin.Address. SIGTERM drains gracefully: /readyz fails,
// the listener keeps serving for Shutdown.ReadinessDelay, then stops
// accepting, and requests in flight get Shutdown.DrainTimeout to finish.
// Ctrl-C (SIGINT) skips the readiness delay.
//
// See docs/gateway.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/gateway/builtin"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/server"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, os.Interrupt)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, signals))
}

// run is the command; it returns the exit status. signals delivers SIGTERM
// or SIGINT.
func run(args []string, stdout, stderr io.Writer, signals <-chan os.Signal) int {
	fs := flag.NewFlagSet("objectlambda-gateway", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "gateway.yaml", "the configuration file")
	check := fs.Bool("check", false, "validate the configuration (and read every secret it names), then exit: 0 if valid, 1 with the errors")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "objectlambda-gateway: unexpected arguments: %v\n", fs.Args())
		return 2
	}
	if *showVersion {
		fmt.Fprintf(stdout, "objectlambda-gateway %s (%s)\n", versionString(), runtime.Version())
		return 0
	}
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *check {
		return checkConfig(cfg, *path, stdout, stderr)
	}
	log, err := gateway.NewLogger(stderr, cfg.Log.Level)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	// The built-in functions log through slog's default: the same JSON
	// lines, scrubbed the same way.
	slog.SetDefault(log)
	if err := serve(cfg, log, signals); err != nil {
		log.Error("objectlambda-gateway stopped", "err", err)
		return 1
	}
	return 0
}

// checkConfig builds everything serving would build, without listening.
func checkConfig(cfg *config.Config, path string, stdout, stderr io.Writer) int {
	g, err := gateway.New(context.Background(), cfg, builtin.Functions()...)
	if err == nil {
		defer g.Close()
		_, err = server.New(cfg.Listener, http.NotFoundHandler(), nil) // loads the TLS files
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", path, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: OK: %d access points, %d functions, %d stores, %d callers\n",
		path, len(cfg.AccessPoints), len(cfg.Functions), len(cfg.Stores), g.Callers().Len())
	return 0
}

// serve runs the gateway until a signal, then drains it.
func serve(cfg *config.Config, log *slog.Logger, signals <-chan os.Signal) error {
	api, err := net.Listen("tcp", cfg.Listener.Address)
	if err != nil {
		return fmt.Errorf("listener: %w", err)
	}
	defer api.Close()
	adminL, err := net.Listen("tcp", cfg.Admin.Address)
	if err != nil {
		return fmt.Errorf("admin listener: %w", err)
	}
	defer adminL.Close()

	opts := append(builtin.Functions(), gateway.WithLogger(log), gateway.WithListenAddress(api.Addr()))
	g, err := gateway.New(context.Background(), cfg, opts...)
	if err != nil {
		return err
	}
	defer g.Close()
	apiSrv, err := server.New(cfg.Listener, g.Handler(), log)
	if err != nil {
		return err
	}
	adminSrv, err := server.New(config.Listener{MaxHeaderBytes: 16 << 10, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute},
		g.AdminHandler(), log)
	if err != nil {
		return err
	}

	served := make(chan error, 2)
	go func() { served <- server.Serve(apiSrv, api) }()
	go func() { served <- server.Serve(adminSrv, adminL) }()
	g.Health().SetReady()
	log.Info("objectlambda-gateway serving", "version", versionString(), "url", g.PublicURL(), "replica", g.SelfURL(),
		"listener", api.Addr().String(), "admin", adminL.Addr().String(), "accessPoints", len(cfg.AccessPoints))

	shutdown := cfg.Shutdown
	select {
	case sig := <-signals:
		if sig == os.Interrupt {
			shutdown.ReadinessDelay = 0 // a terminal, not a load balancer
		}
		log.Info("objectlambda-gateway draining", "signal", sig.String(), "readinessDelay", shutdown.ReadinessDelay.String(), "drainTimeout", shutdown.DrainTimeout.String())
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	}
	drainErr := server.Drain(context.Background(), g.Health(), shutdown, apiSrv)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = adminSrv.Shutdown(ctx) // probes and the last scrape were served during the drain
	if drainErr != nil {
		return drainErr
	}
	log.Info("objectlambda-gateway stopped")
	return nil
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Command ferretdb runs an embedded FerretDB 1.24 (a MongoDB wire-protocol server)
// so that Mosaic's tests and demo have a MongoDB-compatible store on machines where
// no MongoDB server can be installed. It is built from source with the machine's Go
// by scripts/services.sh; the binary is never committed.
//
// We embed the library instead of `go install .../cmd/ferretdb` because that build
// panics at start on a missing version file.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // served only with -debug-addr
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	handler := flag.String("handler", "sqlite", "storage handler: sqlite or postgresql")
	sqliteDir := flag.String("sqlite-dir", "./.data/ferretdb", "directory for the sqlite handler's files")
	sqliteParams := flag.String("sqlite-params", "_txlock=immediate", "query parameters of the SQLite URI (see FerretDB's sqlite handler docs)")
	postgresURL := flag.String("postgresql-url", "postgres://127.0.0.1:5432/ferretdb", "PostgreSQL URL for the postgresql handler")
	indexInterval := flag.Duration("id-index-interval", 250*time.Millisecond, "how often new SQLite tables get the _id look-up index (see idindex.go)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	debugAddr := flag.String("debug-addr", "", "if set, serve Go's pprof profiles there (e.g. 127.0.0.1:6060), to see where the store spends its CPU")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  *handler,
	}
	switch *handler {
	case "sqlite":
		if err := os.MkdirAll(*sqliteDir, 0o755); err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: cannot create -sqlite-dir %q: %v\n", *sqliteDir, err)
			os.Exit(1)
		}
		cfg.SQLiteURL = "file:" + *sqliteDir + "/"
		if *sqliteParams != "" {
			cfg.SQLiteURL += "?" + *sqliteParams
		}
	case "postgresql":
		cfg.PostgreSQLURL = *postgresURL
	default:
		fmt.Fprintf(os.Stderr, "ferretdb: -handler must be sqlite or postgresql, got %q\n", *handler)
		os.Exit(2)
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	if *debugAddr != "" {
		go func() {
			logger.Warn("pprof server stopped", "err", http.ListenAndServe(*debugAddr, nil))
		}()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *handler == "sqlite" && dirExists(*sqliteDir) {
		go newIDIndexer(*sqliteDir, logger).run(ctx, *indexInterval)
	}

	go func() {
		// MongoDBURI blocks until the listener is bound, so printing it tells the
		// starting script that the server is ready.
		fmt.Println(f.MongoDBURI())
	}()

	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}

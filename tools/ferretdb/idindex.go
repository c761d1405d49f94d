package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	// The pure-Go SQLite driver FerretDB itself uses; registers as "sqlite".
	_ "modernc.org/sqlite"
)

// FerretDB 1.24's SQLite backend creates its _id index on the expression
// `_ferretdb_sjson->"_id"` but pushes a `{_id: x}` filter down as
// `_ferretdb_sjson->'$._id' = ?`. SQLite only uses an expression index whose text
// matches the query's, so every look-up by _id scans the whole table (EXPLAIN QUERY
// PLAN shows SCAN). Mosaic reads almost everything by _id, so this process adds an
// index on the pushed-down expression to every collection table, in every database
// file, shortly after FerretDB creates it. FerretDB does not know about these indexes
// (they are not in its metadata); they disappear with their table.

// tableName guards the only values we splice into SQL; FerretDB generates them.
var tableName = regexp.MustCompile(`^[a-z0-9_]+$`)

type idIndexer struct {
	dir     string
	logger  *slog.Logger
	dbs     map[string]*sql.DB
	indexed map[string]bool // "<file>/<table>"
}

func newIDIndexer(dir string, logger *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, logger: logger, dbs: map[string]*sql.DB{}, indexed: map[string]bool{}}
}

// run indexes new tables every interval until ctx is done.
func (x *idIndexer) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	defer x.closeAll()
	for {
		x.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (x *idIndexer) pass(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	if err != nil {
		x.logger.Warn("id indexer: listing database files", "err", err)
		return
	}
	present := map[string]bool{}
	for _, file := range files {
		present[file] = true
		if err := x.indexFile(ctx, file); err != nil {
			x.logger.Debug("id indexer: will retry", "file", file, "err", err)
		}
	}
	for file, db := range x.dbs { // databases dropped since the last pass
		if !present[file] {
			_ = db.Close()
			delete(x.dbs, file)
			for k := range x.indexed {
				if strings.HasPrefix(k, file+"/") {
					delete(x.indexed, k)
				}
			}
		}
	}
}

func (x *idIndexer) indexFile(ctx context.Context, file string) error {
	db, ok := x.dbs[file]
	if !ok {
		var err error
		// mode=rw: never create a file FerretDB has just removed.
		db, err = sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
		if err != nil {
			return err
		}
		db.SetMaxOpenConns(1)
		x.dbs[file] = db
	}
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM "_ferretdb_collections"`)
	if err != nil {
		return err // a database still being created has no metadata table yet
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			_ = rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	_ = rows.Close()
	for _, t := range tables {
		key := file + "/" + t
		if x.indexed[key] || !tableName.MatchString(t) {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS "%s_mosaic_id_path" ON "%s" (_ferretdb_sjson->'$._id')`, t, t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
		x.indexed[key] = true
	}
	return nil
}

func (x *idIndexer) closeAll() {
	for _, db := range x.dbs {
		_ = db.Close()
	}
}

// dirExists reports whether the SQLite directory is there (it is created at start).
func dirExists(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && st.IsDir()
}

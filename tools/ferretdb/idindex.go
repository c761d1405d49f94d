package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
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

// The indexer never keeps a connection open between passes. A connection to a file that
// FerretDB has since dropped (and perhaps created again under the same name) refers to
// the old file, but SQLite finds its WAL by path: when such a connection is the last to
// close, SQLite checkpoints and deletes the WAL at that path, which is by then the new
// database's ("database disk image is malformed", seen when a database was dropped and
// created again at once). A connection that lives for one pass narrows that to a drop
// and re-create within the few milliseconds of the pass.

type idIndexer struct {
	dir    string
	logger *slog.Logger
	// What each file looked like when it was last found fully indexed: a file that has
	// not changed since (neither it nor its WAL) is not opened again.
	settled map[string]fileState
}

// fileState is a database file's size and modification time, and its WAL's: any write
// (a new collection included) changes one of them.
type fileState struct {
	size, walSize   int64
	mtime, walMtime time.Time
}

func stateOf(file string) (fileState, error) {
	st, err := os.Stat(file)
	if err != nil {
		return fileState{}, err
	}
	s := fileState{size: st.Size(), mtime: st.ModTime()}
	if wal, err := os.Stat(file + "-wal"); err == nil {
		s.walSize, s.walMtime = wal.Size(), wal.ModTime()
	}
	return s, nil
}

func newIDIndexer(dir string, logger *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, logger: logger, settled: map[string]fileState{}}
}

// run indexes new tables every interval until ctx is done.
func (x *idIndexer) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
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
		before, err := stateOf(file)
		if err != nil {
			continue // dropped meanwhile
		}
		if last, ok := x.settled[file]; ok && last == before {
			continue
		}
		if err := x.indexFile(ctx, file); err != nil {
			x.logger.Debug("id indexer: will retry", "file", file, "err", err)
			continue
		}
		// Taken before the pass: a write during it is seen as a change next time.
		x.settled[file] = before
	}
	for file := range x.settled { // databases dropped since
		if !present[file] {
			delete(x.settled, file)
		}
	}
}

func (x *idIndexer) indexFile(ctx context.Context, file string) error {
	// mode=rw: never create a file FerretDB has just removed.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tables, err := queryNames(ctx, db, `SELECT table_name FROM "_ferretdb_collections"`)
	if err != nil {
		return err // a database still being created has no metadata table yet
	}
	// Asked of the file, not remembered: a collection dropped and created again has a new
	// table of the same name, without the index.
	existing, err := queryNames(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%\_mosaic\_id\_path' ESCAPE '\'`)
	if err != nil {
		return err
	}
	has := map[string]bool{}
	for _, name := range existing {
		has[name] = true
	}
	for _, t := range tables {
		index := t + "_mosaic_id_path"
		if has[index] || !tableName.MatchString(t) {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS "%s" ON "%s" (_ferretdb_sjson->'$._id')`, index, t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// queryNames runs a query of one text column.
func queryNames(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}

// dirExists reports whether the SQLite directory is there (it is created at start).
func dirExists(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && st.IsDir()
}

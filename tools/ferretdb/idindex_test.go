package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
)

// newStoreFile creates a database file laid out as FerretDB's SQLite backend lays one out
// (WAL mode, a metadata table naming each collection's table) and returns a connection
// that stays open, as FerretDB's does.
func newStoreFile(t *testing.T, file string, rows int) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=journal_mode(wal)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE "_ferretdb_collections" (name TEXT UNIQUE, table_name TEXT UNIQUE)`,
		`INSERT INTO "_ferretdb_collections" VALUES ('docs', 'docs_1')`,
		`CREATE TABLE "docs_1" (_ferretdb_sjson TEXT)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < rows; i++ {
		if _, err := db.Exec(`INSERT INTO "docs_1" VALUES (json_object('_id', 'doc' || ?))`, i); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func indexNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	names, err := queryNames(context.Background(), db, `SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func quietIndexer(dir string) *idIndexer {
	return newIDIndexer(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func TestPassIndexesEveryCollectionTable(t *testing.T) {
	dir := t.TempDir()
	db := newStoreFile(t, filepath.Join(dir, "a.sqlite"), 10)
	defer db.Close()
	quietIndexer(dir).pass(context.Background())
	if got := indexNames(t, db); !contains(got, "docs_1_mosaic_id_path") {
		t.Fatalf("indexes after a pass: %v", got)
	}
	var detail string
	var id, parent, notused int
	row := db.QueryRow(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "docs_1" WHERE _ferretdb_sjson->'$._id' = ?`, `"doc3"`)
	if err := row.Scan(&id, &parent, &notused, &detail); err != nil {
		t.Fatal(err)
	}
	if want := "SEARCH docs_1 USING INDEX docs_1_mosaic_id_path (<expr>=?)"; detail != want {
		t.Fatalf("plan of a look-up by _id: %q, want %q", detail, want)
	}
}

// A database dropped and created again under the same name between two passes: its new
// table needs the index again, and the indexer must not touch the new file's WAL through
// a connection to the old one (that once corrupted it).
func TestDatabaseCreatedAgainIsIndexedAndIntact(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "again.sqlite")
	x := quietIndexer(dir)
	first := newStoreFile(t, file, 10)
	x.pass(context.Background())
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{file, file + "-wal", file + "-shm"} {
		_ = os.Remove(f)
	}
	second := newStoreFile(t, file, 500)
	defer second.Close()
	x.pass(context.Background())
	x.pass(context.Background())
	if got := indexNames(t, second); !contains(got, "docs_1_mosaic_id_path") {
		t.Fatalf("indexes of the database created again: %v", got)
	}
	var check string
	if err := second.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	var n int
	if err := second.QueryRow(`SELECT count(*) FROM "docs_1"`).Scan(&n); err != nil || n != 500 {
		t.Fatalf("rows in the database created again: %d, %v", n, err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

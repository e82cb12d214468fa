package sqlstore

import "testing"

func TestLoadMigrations(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i, m := range ms {
		if m.version != i+1 || m.sql == "" {
			t.Errorf("migration %d = {%d %s, %d bytes}", i, m.version, m.name, len(m.sql))
		}
	}
}

func TestParseMigration(t *testing.T) {
	for _, tc := range []struct {
		file    string
		version int
		ok      bool
	}{
		{"0001_init.sql", 1, true},
		{"0012_audit_index.sql", 12, true},
		{"init.sql", 0, false},
		{"0000_zero.sql", 0, false},
		{"x1_bad.sql", 0, false},
		{"0003.sql", 0, false},
	} {
		m, err := parseMigration(tc.file)
		if (err == nil) != tc.ok || m.version != tc.version {
			t.Errorf("parseMigration(%q) = %d, %v; want %d, ok=%v", tc.file, m.version, err, tc.version, tc.ok)
		}
	}
}

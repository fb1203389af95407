package clickhouse

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	ok := []struct {
		in   string
		want Target
	}{
		{"clickhouse://127.0.0.1:8123/payband", Target{Addr: "127.0.0.1:8123", Database: "payband"}},
		{"clickhouse://ch1:8123/pb?cluster=pb", Target{Addr: "ch1:8123", Database: "pb", Cluster: "pb"}},
		{"clickhouse://u:p@[::1]:8123/pb?cluster=c&shards=a:1,b:2", Target{Addr: "[::1]:8123", Database: "pb", Cluster: "c", Shards: []string{"a:1", "b:2"}, User: "u", Password: "p"}},
	}
	for _, tc := range ok {
		got, err := ParseURL(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	bad := map[string]string{
		"http://h:1/db":                           "scheme",
		"clickhouse://h/db":                       "HOST:PORT",
		"clickhouse://h:0/db":                     "port",
		"clickhouse://h:99999/db":                 "port",
		"clickhouse://h:1":                        "no database",
		"clickhouse://h:1/":                       "no database",
		"clickhouse://h:1/db;DROP":                "database",
		"clickhouse://h:1/a/b":                    "database",
		"clickhouse://h:1/db?cluster=a-b":         "cluster",
		"clickhouse://h:1/db?shards=a:1":          "shards needs cluster",
		"clickhouse://h:1/db?cluster=c&x=1":       "unknown parameter",
		"clickhouse://h:1/db?cluster=a&cluster=b": "given 2 times",
		"clickhouse://h:1/db#frag":                "fragment",
		"clickhouse://u:secret@h:1/db?x=1":        "xxxxx",
	}
	for in, want := range bad {
		_, err := ParseURL(in)
		var ue *URLError
		if !errors.As(err, &ue) {
			t.Errorf("%s: err %v, want a URLError", in, err)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %q does not say %q", in, err, want)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the message shows the password: %s", in, err)
		}
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"clickhouse://127.0.0.1:8123/payband", "clickhouse://h:1/db?cluster=c&shards=a:1,b:2", "clickhouse://u:p@h:1/d", "clickhouse://:1/", "clickhouse://h:1/db?cluster="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := ParseURL(s)
		if err != nil {
			return
		}
		// Whatever was accepted names a plain database and cluster, which
		// are pasted into statements as identifiers.
		if !isIdent(tg.Database) || (tg.Cluster != "" && !isIdent(tg.Cluster)) {
			t.Fatalf("%q accepted with database %q, cluster %q", s, tg.Database, tg.Cluster)
		}
		for _, a := range append([]string{tg.Addr}, tg.Shards...) {
			if _, err := hostPort(a); err != nil {
				t.Fatalf("%q accepted with address %q: %v", s, a, err)
			}
		}
	})
}

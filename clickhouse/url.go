package clickhouse

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Target is where an export goes and a bands engine reads:
// clickhouse://[USER[:PASSWORD]@]HOST:PORT/DB[?cluster=NAME&shards=HOST:PORT,...].
//
// Addr is the HTTP interface of the node readers query. With Cluster set,
// the tables are a MergeTree table on every shard and a Distributed table
// over them; ClickHouse 18.16 runs ON CLUSTER DDL only through ZooKeeper,
// so payband creates the shard tables itself, at each shard's HTTP
// interface: Shards, or, when left out, each host of the cluster at Addr's
// port (the usual layout of one server per machine).
type Target struct {
	Addr     string // host:port of the HTTP interface
	Database string
	Cluster  string   // "" for one table per view on Addr
	Shards   []string // HTTP host:port of each shard, in system.clusters order; nil = derive
	User     string
	Password string
}

// URLError is a clickhouse:// URL payband cannot use.
type URLError struct {
	URL    string
	Reason string
}

func (e *URLError) Error() string {
	return fmt.Sprintf("engine URL %q: %s", redact(e.URL), e.Reason)
}

// redact hides a password in a URL for messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// IsURL reports whether s names a ClickHouse target rather than the local
// engine.
func IsURL(s string) bool { return strings.HasPrefix(s, "clickhouse://") }

// ParseURL parses a clickhouse:// URL.
func ParseURL(s string) (Target, error) {
	bad := func(f string, a ...any) (Target, error) {
		return Target{}, &URLError{URL: s, Reason: fmt.Sprintf(f, a...)}
	}
	u, err := url.Parse(s)
	if err != nil {
		return bad("not a URL")
	}
	if u.Scheme != "clickhouse" {
		return bad("the scheme must be clickhouse://")
	}
	if u.Opaque != "" || u.Host == "" {
		return bad("no HOST:PORT")
	}
	addr, err := hostPort(u.Host)
	if err != nil {
		return bad("%v", err)
	}
	t := Target{Addr: addr}
	if u.User != nil {
		t.User = u.User.Username()
		t.Password, _ = u.User.Password()
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" {
		return bad("no database: use clickhouse://HOST:PORT/DB")
	}
	if !isIdent(db) {
		return bad("database %q must be letters, digits and _ (not starting with a digit)", db)
	}
	t.Database = db
	if u.Fragment != "" {
		return bad("a URL fragment (#...) means nothing here")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("bad query string")
	}
	for k, vs := range q {
		if len(vs) != 1 {
			return bad("%s given %d times", k, len(vs))
		}
		switch k {
		case "cluster":
			if !isIdent(vs[0]) {
				return bad("cluster %q must be letters, digits and _ (not starting with a digit)", vs[0])
			}
			t.Cluster = vs[0]
		case "shards":
			for _, h := range strings.Split(vs[0], ",") {
				a, err := hostPort(strings.TrimSpace(h))
				if err != nil {
					return bad("shards: %v", err)
				}
				t.Shards = append(t.Shards, a)
			}
		default:
			return bad("unknown parameter %q: use cluster and shards", k)
		}
	}
	if t.Shards != nil && t.Cluster == "" {
		return bad("shards needs cluster")
	}
	return t, nil
}

// hostPort checks HOST:PORT with a port in 1..65535.
func hostPort(s string) (string, error) {
	h, p, err := net.SplitHostPort(s)
	if err != nil || h == "" {
		return "", fmt.Errorf("%q is not HOST:PORT", s)
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("port %q must be 1-65535", p)
	}
	if strings.ContainsAny(h, "/?#@ ") {
		return "", fmt.Errorf("host %q is not a host name or address", h)
	}
	return net.JoinHostPort(h, strconv.Itoa(n)), nil
}

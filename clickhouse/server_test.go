package clickhouse

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests run their own ClickHouse servers on 127.0.0.1, each with a
// config written into a temporary directory, and stop them when done.

// serverBinary finds clickhouse-server. It is absent on a machine without
// Debian's package; the tests then skip, except under CI, which installs
// it and where a missing server is a failure.
func serverBinary(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"clickhouse-server", "/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("clickhouse-server is not installed, and CI is set: .ci/run installs Debian's clickhouse-server")
	}
	t.Skip("clickhouse-server is not installed (apt-get install clickhouse-server)")
	return ""
}

// freePort returns a TCP port free on 127.0.0.1 at the time of the call.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// testServer is one running server.
type testServer struct {
	HTTP string // 127.0.0.1:port of its HTTP interface
	TCP  int    // its native port, which other servers' Distributed tables use
	cmd  *exec.Cmd
}

const serverConfig = `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>{{dir}}/server.log</log><errorlog>{{dir}}/err.log</errorlog><console>0</console></logger>
  <http_port>{{http}}</http_port>
  <tcp_port>{{tcp}}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>{{dir}}/data/</path>
  <tmp_path>{{dir}}/tmp/</tmp_path>
  <user_files_path>{{dir}}/user_files/</user_files_path>
  <format_schema_path>{{dir}}/format_schemas/</format_schema_path>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
  </users>
  <!-- Small insert blocks: an export cut short leaves some of its rows behind, as a large one would. -->
  <profiles><default><max_threads>2</max_threads><max_insert_block_size>65536</max_insert_block_size></default></profiles>
  <quotas><default></default></quotas>
  <remote_servers>{{clusters}}</remote_servers>
</yandex>
`

// startServers starts n servers, each knowing the cluster "pb" of all n
// as shards, and waits (at most 60 s) until each answers.
func startServers(t testing.TB, n int) []*testServer {
	t.Helper()
	bin := serverBinary(t)
	servers := make([]*testServer, n)
	var shards strings.Builder
	for i := range servers {
		servers[i] = &testServer{HTTP: fmt.Sprintf("127.0.0.1:%d", freePort(t)), TCP: freePort(t)}
		fmt.Fprintf(&shards, "<shard><replica><host>127.0.0.1</host><port>%d</port></replica></shard>", servers[i].TCP)
	}
	clusters := "<pb>" + shards.String() + "</pb>"
	for _, s := range servers {
		dir := t.TempDir()
		_, port, _ := net.SplitHostPort(s.HTTP)
		cfg := strings.NewReplacer("{{dir}}", dir, "{{http}}", port, "{{tcp}}", fmt.Sprint(s.TCP), "{{clusters}}", clusters).Replace(serverConfig)
		path := filepath.Join(dir, "config.xml")
		if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--config-file="+path)
		cmd.Dir = dir
		out, err := os.Create(filepath.Join(dir, "stdout.log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = out, out
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting clickhouse-server: %v", err)
		}
		s.cmd = cmd
		exited := make(chan struct{})
		go func() { cmd.Wait(); out.Close(); close(exited) }()
		t.Cleanup(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(15 * time.Second):
				cmd.Process.Kill()
				<-exited
			}
		})
		if err := waitReady(s.HTTP, exited, 60*time.Second); err != nil {
			log, _ := os.ReadFile(filepath.Join(dir, "err.log"))
			t.Fatalf("clickhouse-server at %s: %v\n%s", s.HTTP, err, log)
		}
	}
	return servers
}

// waitReady polls /ping until the server answers Ok., it exits, or the
// time is up.
func waitReady(addr string, exited <-chan struct{}, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/ping", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("exited before it answered")
		case <-ctx.Done():
			return fmt.Errorf("no answer within %v", limit)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// target is the two-shard cluster's clickhouse:// target, entered at the
// first server.
func clusterTarget(servers []*testServer, db string) Target {
	t := Target{Addr: servers[0].HTTP, Database: db, Cluster: "pb"}
	for _, s := range servers {
		t.Shards = append(t.Shards, s.HTTP)
	}
	return t
}

// URL is the target as a person writes it.
func (t Target) URL() string {
	u := "clickhouse://" + t.Addr + "/" + t.Database
	if t.Cluster != "" {
		u += "?cluster=" + t.Cluster
		if t.Shards != nil {
			u += "&shards=" + strings.Join(t.Shards, ",")
		}
	}
	return u
}

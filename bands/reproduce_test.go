package bands

import (
	"os/exec"
	"strings"
	"testing"
)

func TestQueryCommand(t *testing.T) {
	q := BandQuery{By: []string{"year"}, Filters: map[string]string{"family": "it's", "year": "2024"}}
	s, args, err := q.SQL(nil)
	if err != nil {
		t.Fatal(err)
	}
	cmd := QueryCommand(s, args)
	if !strings.HasPrefix(cmd, `payband query "WITH base AS`) || !strings.Contains(cmd, `s.family = 'it''s'`) ||
		!strings.Contains(cmd, "s.year = 2024") || strings.Contains(cmd, "?") {
		t.Errorf("command = %s", cmd)
	}
	// The command survives a POSIX shell unchanged.
	if _, err := exec.LookPath("sh"); err == nil {
		out, err := exec.Command("sh", "-c", strings.Replace(cmd, "payband query", "printf %s", 1)).Output()
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Replace(strings.Replace(s, "?", "'it''s'", 1), "?", "2024", 1)
		if string(out) != want {
			t.Errorf("shell sees\n%s\nwant\n%s", out, want)
		}
	}
}

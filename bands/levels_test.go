package bands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLevelLadderInView: the salaries view ranks levels (level_rank) on
// the same ladder the band queries sort by.
func TestLevelLadderInView(t *testing.T) {
	views, err := os.ReadFile(filepath.Join("..", "warehouse", "sql", "views.sql"))
	if err != nil {
		t.Fatal(err)
	}
	want := "list_position(['" + strings.Join(LevelLadder, "', '") + "'],"
	if !strings.Contains(string(views), want) {
		t.Errorf("warehouse/sql/views.sql does not rank levels by %s", want)
	}
	if LevelLadder[len(LevelLadder)-1] != "unspecified" || len(LevelLadder) != 8 {
		t.Errorf("LevelLadder = %v, want the seven levels and unspecified last", LevelLadder)
	}
}

// TestOrderByLevels: a level column sorts by its rank on the ladder, then
// by value; other columns by value.
func TestOrderByLevels(t *testing.T) {
	got := BandQuery{By: []string{"family", "level", "year"}}.orderBy()
	want := "family, list_position(['intern', 'entry', 'mid', 'senior', 'lead', 'principal', 'executive', 'unspecified'], level), level, year"
	if got != want {
		t.Errorf("orderBy = %s, want %s", got, want)
	}
}

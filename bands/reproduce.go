package bands

import (
	"fmt"
	"strconv"
	"strings"
)

// QueryCommand shows a bands statement as the `payband query` command that
// reproduces it: the bound arguments are inlined as SQL literals (for
// display only; the report itself binds them) and the whole statement is
// double-quoted for a POSIX shell.
func QueryCommand(query string, args []any) string {
	var b strings.Builder
	i := 0
	for _, r := range query {
		if r == '?' && i < len(args) {
			b.WriteString(sqlLiteral(args[i]))
			i++
			continue
		}
		b.WriteRune(r)
	}
	return `payband query "` + shellEscapeDouble(b.String()) + `"`
}

func sqlLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return "'" + strings.ReplaceAll(fmt.Sprint(v), "'", "''") + "'"
}

// shellEscapeDouble escapes the characters special inside "…" in sh.
func shellEscapeDouble(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`").Replace(s)
}

package ingest

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestColumnsMatchBuilders: the slice-backed columns make the same arrays
// arrow-go's builders make, nulls included, across bitmap byte boundaries.
func TestColumnsMatchBuilders(t *testing.T) {
	mem := memory.NewGoAllocator()
	for _, n := range []int{0, 1, 7, 8, 9, 17, 1000} {
		for _, nullEvery := range []int{0, 1, 3} {
			t.Run(fmt.Sprintf("%d rows, null every %d", n, nullEvery), func(t *testing.T) {
				isNull := func(i int) bool { return nullEvery > 0 && i%nullEvery == 0 }
				sc := strCol{nullable: true}
				sc.reset(4, 0)
				fc := numCol[float64]{nullable: true}
				fc.reset(4)
				ic := numCol[int32]{}
				ic.reset(4)
				sb, fb, ib := array.NewStringBuilder(mem), array.NewFloat64Builder(mem), array.NewInt32Builder(mem)
				defer sb.Release()
				defer fb.Release()
				defer ib.Release()
				for i := 0; i < n; i++ {
					s := fmt.Sprint("cell ", i)
					if isNull(i) {
						sc.appendOrNull("")
						sb.AppendNull()
						fc.appendNull()
						fb.AppendNull()
					} else {
						sc.appendOrNull(s)
						sb.Append(s)
						fc.append(float64(i) / 3)
						fb.Append(float64(i) / 3)
					}
					ic.append(int32(-i))
					ib.Append(int32(-i))
				}
				for _, c := range []struct {
					name      string
					got, want arrow.Array
				}{
					{"string", sc.array(), sb.NewArray()},
					{"float64", fc.array(), fb.NewArray()},
					{"int32", ic.array(), ib.NewArray()},
				} {
					if !array.Equal(c.got, c.want) || c.got.NullN() != c.want.NullN() {
						t.Errorf("%s column: got %v (%d nulls), want %v (%d nulls)", c.name, c.got, c.got.NullN(), c.want, c.want.NullN())
					}
					c.got.Release()
					c.want.Release()
				}
			})
		}
	}
}

// TestCleanBuilderPositions: the positions cleanBuilder and the converter's
// text columns fill are the obsSchema columns they are meant to be.
func TestCleanBuilderPositions(t *testing.T) {
	if obsSchema.NumFields() != obsColumns {
		t.Fatalf("obsSchema has %d columns, obsColumns says %d", obsSchema.NumFields(), obsColumns)
	}
	want := map[int]string{obsUnit: "pay_unit", obsCurrency: "currency", obsBasis: "wage_basis", obsCaseNumber: "case_number"}
	for i, name := range want {
		if got := obsSchema.Field(i).Name; got != name {
			t.Errorf("position %d is %s, want %s", i, got, name)
		}
	}
	fields := map[Field]string{FCountry: "country", FState: "state", FEmployer: "employer", FEmploymentType: "employment_type",
		FExperience: "experience_level", FCompanySize: "company_size", FCompanyCountry: "company_country",
		FWageLevel: "wage_level", FCaseStatus: "case_status", FSOC: "soc_code",
		FCounty: "county", FCity: "city", FPostalCode: "postal_code"}
	c := newConverter(memory.NewGoAllocator(), &Binding{}, ConvertOptions{})
	defer c.release()
	for _, tc := range c.textCols {
		if got := obsSchema.Field(tc.out).Name; got != fields[tc.f] {
			t.Errorf("text column at %d is %s, want %s", tc.out, got, fields[tc.f])
		}
	}
}

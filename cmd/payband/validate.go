package main

import (
	"math"
	"time"
)

// Flag checks shared by the commands: each refuses a value that would
// otherwise be ignored or turn every row away, with exit 2 and one
// sentence, before anything is opened.

// yearRange is what ingest accepts as a row's year (ingest.ConvertOptions'
// defaults): a --year outside it can never match or load a row.
func yearRange() (int, int) { return 2000, time.Now().Year() + 1 }

func checkYear(flag string, y int) error {
	if y == 0 {
		return nil // not given
	}
	lo, hi := yearRange()
	if y < lo || y > hi {
		return usagef("%s %d: a year between %d and %d", flag, y, lo, hi)
	}
	return nil
}

// checkPayBounds: finite, the floor not negative, the ceiling above it.
func checkPayBounds(minPay, maxPay float64) error {
	switch {
	case math.IsNaN(minPay) || math.IsInf(minPay, 0) || minPay < 0:
		return usagef("--min-pay %v: a number of dollars, 0 or more", minPay)
	case math.IsNaN(maxPay) || math.IsInf(maxPay, 0) || maxPay <= 0:
		return usagef("--max-pay %v: a positive number of dollars", maxPay)
	case minPay >= maxPay:
		return usagef("--min-pay %v is not below --max-pay %v", minPay, maxPay)
	}
	return nil
}

func checkNonNegative(flag string, n int) error {
	if n < 0 {
		return usagef("%s %d: 0 or more", flag, n)
	}
	return nil
}

func checkPositive(flag string, n int) error {
	if n <= 0 {
		return usagef("%s %d: a positive number", flag, n)
	}
	return nil
}

// checkGlobals validates the flags every command takes.
func (g *globals) check() error {
	if err := checkNonNegative("--threads", g.threads); err != nil {
		return err
	}
	if g.wait < 0 {
		return usagef("--wait %v: a duration of 0 or more", g.wait)
	}
	return nil
}

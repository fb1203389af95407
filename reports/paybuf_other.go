//go:build !linux

package reports

func allocPay(n int) (v []float64, free func()) { return make([]float64, n), func() {} }

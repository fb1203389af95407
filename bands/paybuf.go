package bands

import "payband/internal/offheap"

// allocPay gets n zeroed float64s for a band query's pay, outside the Go
// heap on huge pages where it can (internal/offheap). free gives them back;
// nothing may refer to the values after.
func allocPay(n int) (v []float64, free func()) {
	v, mapped := offheap.Alloc[float64](n)
	if !mapped {
		return v, func() {}
	}
	return v, func() { offheap.Free(v) }
}

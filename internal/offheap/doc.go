// Package offheap allocates large, zeroed number arrays outside the Go heap,
// on transparent huge pages where the kernel has them: the case-number
// tables of a load (probed at random: with 4 KiB pages nearly every probe
// of a table of tens of MiB also missed the TLB) and the pay of a band
// query (tens of MiB filled once: with 4 KiB pages a fifth of the time was
// page faults). Outside the heap they also do not raise the garbage
// collector's target.
//
// It is an opt-out speed trick: off Linux, under the race detector (build
// tag race, which does not watch memory it did not allocate) and with the
// build tag nooffheap, Alloc is make and Free does nothing.
package offheap

// Package fsatomic replaces files, folders and symbolic links so that a
// reader sees the old version or the new one, never half of either: the
// new version is built beside its target, in the same directory (so on the
// same file system), and renamed over it.
//
// Nothing here calls fsync: the renames protect readers and a killed
// process, which is what payband's reports, exports and generated files
// need; a power cut may still lose the newest version.
package fsatomic

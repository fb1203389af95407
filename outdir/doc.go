// Package outdir decides which output folders (a report, an export)
// payband may replace: an existing target is replaced only when payband
// made it, which a marker file inside says; anything else, and a symbolic
// link such as a run's `latest`, is refused. The folder itself is built
// beside the target and renamed into place by payband/internal/fsatomic,
// whose temporary folders of killed runs are swept by the next command
// that writes beside them.
package outdir

package pipeline

import "payband/titles"

// ObserveMatcher makes a run hand f the matcher it maps titles with.
func ObserveMatcher(o *Options, f func(*titles.Matcher)) { o.matcher = f }

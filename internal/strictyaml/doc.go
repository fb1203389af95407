// Package strictyaml decodes payband's YAML files (the pipeline, report and
// taxonomy configs) one way: an unknown key, a duplicate key or a value of
// the wrong type is an error, every error names the file and line, and a
// panic inside the YAML library is an error too.
package strictyaml

/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

	http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Command spreadgen writes random 'kurator schedule' scenarios of the shape
// of the spread-constraint conformance corpus (test/conformance/karmada), so
// Kurator's decisions can be compared with Karmada's on many more cases:
//
//	go run ./hack/spreadgen -n 200 -seed 1 -out DIR
//
// Capacity is given by resource summaries only (Karmada cannot see the
// scheduler.kurator.dev/nodes annotation). Scenario i depends only on the
// seed and i, so a larger -n adds files without changing the others.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"kurator.dev/kurator/test/conformance/karmada/spreadgen"
)

func main() {
	n := flag.Int("n", 200, "number of scenarios to write")
	seed := flag.Uint64("seed", 1, "random seed; the same seed writes the same files")
	out := flag.String("out", "", "directory to write the scenarios to (created if missing)")
	flag.Parse()
	if *out == "" || *n < 0 {
		fmt.Fprintln(os.Stderr, "usage: spreadgen [-n N] [-seed S] -out DIR")
		os.Exit(2)
	}
	if err := write(*out, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// write writes scenarios spread-0000.yaml ... into dir.
func write(dir string, n int, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range n {
		name := filepath.Join(dir, fmt.Sprintf("spread-%04d.yaml", i))
		if err := os.WriteFile(name, []byte(spreadgen.Scenario(seed, i)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

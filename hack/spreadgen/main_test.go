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

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"kurator.dev/kurator/internal/scenario"
)

func TestEveryGeneratedScenarioParses(t *testing.T) {
	dir := t.TempDir()
	if err := write(dir, 200, 1); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 200 {
		t.Fatalf("wrote %d files, want 200", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := scenario.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		if _, _, err := sc.Build(); err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		if n := len(sc.Clusters); n < 3 || n > 9 {
			t.Errorf("%s: %d clusters, want 3 to 9", filepath.Base(f), n)
		}
	}
}

func TestSameSeedSameScenarios(t *testing.T) {
	first, again, other := t.TempDir(), t.TempDir(), t.TempDir()
	for _, w := range []struct {
		dir  string
		n    int
		seed uint64
	}{{first, 5, 7}, {again, 10, 7}, {other, 5, 8}} {
		if err := write(w.dir, w.n, w.seed); err != nil {
			t.Fatal(err)
		}
	}
	read := func(dir string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, "spread-0004.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	// A larger -n must not change the scenarios already written.
	if !bytes.Equal(read(first), read(again)) {
		t.Error("the same seed wrote a different scenario 4")
	}
	if bytes.Equal(read(first), read(other)) {
		t.Error("another seed wrote the same scenario 4")
	}
}

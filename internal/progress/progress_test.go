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
package progress

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestStepPrintsOutcomeAndDuration(t *testing.T) {
	var buf bytes.Buffer
	p := New(&buf)
	clock := time.Unix(0, 0)
	p.now = func() time.Time { return clock }
	done := p.Step("Starting %d clusters", 4)
	clock = clock.Add(1500 * time.Millisecond)
	done(nil)
	failed := p.Step("Installing APIs")
	failed(errors.New("boom"))
	want := " • Starting 4 clusters ...\n ✓ Starting 4 clusters [1.5s]\n • Installing APIs ...\n ✗ Installing APIs [0s]\n"
	if got := buf.String(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	var nilPrinter *Printer
	nilPrinter.Step("ignored")(nil)
	nilPrinter.Info("ignored")
	if strings.Contains(buf.String(), "ignored") {
		t.Fatal("nil printer printed")
	}
}

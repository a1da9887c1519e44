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

package message

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    string
		max  int
		want string
	}{
		{"short", "boom", 10, "boom"},
		{"exactly max", "0123456789", 10, "0123456789"},
		{"one over", "0123456789a", 10, "0123456..."},
		{"no room for the ellipsis", "0123456789", 2, "01"},
		{"zero", "0123456789", 0, ""},
		// "é" is two bytes: a cut inside it drops the whole character.
		{"multi-byte character at the cut", "aaaaaaé-rest", 10, "aaaaaa..."},
		{"multi-byte character before the cut", "aaaaaé-rest", 10, "aaaaaé..."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Truncate(tc.s, tc.max)
			if got != tc.want {
				t.Fatalf("Truncate(%q, %d) = %q, want %q", tc.s, tc.max, got, tc.want)
			}
			if len(got) > tc.max || !utf8.ValidString(got) {
				t.Fatalf("Truncate(%q, %d) = %q: longer than max or not valid UTF-8", tc.s, tc.max, got)
			}
		})
	}
}

func TestTruncateToConditionMax(t *testing.T) {
	long := strings.Repeat("x", 2*ConditionMax)
	got := Truncate(long, ConditionMax)
	if len(got) != ConditionMax || !strings.HasSuffix(got, "...") || !strings.HasPrefix(long, strings.TrimSuffix(got, "...")) {
		t.Fatalf("Truncate to ConditionMax gave %d bytes: %q", len(got), got)
	}
}

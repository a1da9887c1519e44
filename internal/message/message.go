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

// Package message shapes the text controllers put in condition messages
// and events.
package message

import "unicode/utf8"

// ConditionMax is the default longest condition message, in bytes. The API
// allows 32768, but a condition is read in 'kubectl describe' and every
// status write carries it: an error longer than this (a member's full
// response, say) is cut.
const ConditionMax = 1024

// ellipsis marks a cut message.
const ellipsis = "..."

// Truncate returns s if it is at most max bytes long, else its beginning
// followed by "...", max bytes at most in all. The cut never splits a
// UTF-8 character, so the result stays valid text.
func Truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	if max < len(ellipsis) {
		return cut(s, max)
	}
	return cut(s, max-len(ellipsis)) + ellipsis
}

// cut returns the longest prefix of s of at most n bytes that ends on a
// character boundary.
func cut(s string, n int) string {
	n = max(n, 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

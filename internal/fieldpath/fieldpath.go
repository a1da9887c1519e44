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

// Package fieldpath reads and writes fields of JSON-shaped objects
// (map[string]any, []any) by dotted paths, as the declarative rules of a
// ResourceInterpreterCustomization name them: spec.size, .spec.size,
// spec.tasks[0].replicas, spec.tasks[*].template (every element), and
// metadata.labels["app.kubernetes.io/name"] for keys with dots.
package fieldpath

import (
	"fmt"
	"strconv"
	"strings"
)

// segment is a map key or a list index; every marks [*].
type segment struct {
	key     string
	index   int
	isIndex bool
	every   bool
}

// Path is a parsed field path.
type Path struct {
	text     string
	segments []segment
}

// Parse parses a path; a leading dot is optional.
func Parse(text string) (Path, error) {
	p := Path{text: text}
	rest := strings.TrimPrefix(strings.TrimSpace(text), ".")
	if rest == "" {
		return Path{}, fmt.Errorf("field path %q is empty", text)
	}
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "["):
			end := strings.Index(rest, "]")
			if end < 0 {
				return Path{}, fmt.Errorf("field path %q: %q lacks its ]", text, rest)
			}
			inner := rest[1:end]
			seg, err := bracket(inner)
			if err != nil {
				return Path{}, fmt.Errorf("field path %q: %w", text, err)
			}
			p.segments = append(p.segments, seg)
			rest = rest[end+1:]
		default:
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			if end == 0 {
				return Path{}, fmt.Errorf("field path %q has an empty field name", text)
			}
			p.segments = append(p.segments, segment{key: rest[:end]})
			rest = rest[end:]
		}
		if strings.HasPrefix(rest, ".") {
			rest = rest[1:]
			if rest == "" || strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "[") {
				return Path{}, fmt.Errorf("field path %q has an empty field name", text)
			}
		}
	}
	return p, nil
}

func bracket(inner string) (segment, error) {
	switch {
	case inner == "*":
		return segment{every: true}, nil
	case len(inner) >= 2 && (inner[0] == '"' || inner[0] == '\'') && inner[len(inner)-1] == inner[0]:
		return segment{key: inner[1 : len(inner)-1]}, nil
	}
	i, err := strconv.Atoi(inner)
	if err != nil || i < 0 {
		return segment{}, fmt.Errorf("[%s] is neither an index, * nor a quoted key", inner)
	}
	return segment{index: i, isIndex: true}, nil
}

// MustParse parses a path known to be valid.
func MustParse(text string) Path {
	p, err := Parse(text)
	if err != nil {
		panic(err)
	}
	return p
}

func (p Path) String() string { return p.text }

// HasWildcard reports whether the path has [*].
func (p Path) HasWildcard() bool {
	for _, s := range p.segments {
		if s.every {
			return true
		}
	}
	return false
}

// Get returns every value the path reaches in obj: one at most without
// [*], one per element with it. Missing fields reach nothing.
func (p Path) Get(obj any) []any {
	values := []any{obj}
	for _, s := range p.segments {
		var next []any
		for _, v := range values {
			switch {
			case s.every:
				if list, ok := v.([]any); ok {
					next = append(next, list...)
				}
			case s.isIndex:
				if list, ok := v.([]any); ok && s.index < len(list) {
					next = append(next, list[s.index])
				}
			default:
				if m, ok := v.(map[string]any); ok {
					if child, found := m[s.key]; found {
						next = append(next, child)
					}
				}
			}
		}
		values = next
	}
	return values
}

// Get1 returns the one value the path reaches, if any.
func (p Path) Get1(obj any) (any, bool) {
	values := p.Get(obj)
	if len(values) == 0 {
		return nil, false
	}
	return values[0], true
}

// Set writes value at the path in obj, creating missing maps on the way.
// Paths with [*] cannot be set; an index must exist.
func (p Path) Set(obj map[string]any, value any) error {
	var cur any = obj
	for i, s := range p.segments {
		last := i == len(p.segments)-1
		switch {
		case s.every:
			return fmt.Errorf("field path %q: cannot set through [*]", p.text)
		case s.isIndex:
			list, ok := cur.([]any)
			if !ok || s.index >= len(list) {
				return fmt.Errorf("field path %q: no element %d", p.text, s.index)
			}
			if last {
				list[s.index] = value
				return nil
			}
			cur = list[s.index]
		default:
			m, ok := cur.(map[string]any)
			if !ok {
				return fmt.Errorf("field path %q: %s is not an object", p.text, s.key)
			}
			if last {
				m[s.key] = value
				return nil
			}
			child, found := m[s.key]
			if !found || child == nil {
				child = map[string]any{}
				m[s.key] = child
			}
			cur = child
		}
	}
	return nil
}

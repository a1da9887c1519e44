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

package overrides

import (
	"fmt"
	"strconv"
	"strings"
)

// splitPointer splits an RFC 6901 JSON pointer into unescaped tokens.
func splitPointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("JSON pointer %q must start with /", p)
	}
	parts := strings.Split(p[1:], "/")
	for i, s := range parts {
		// ~ must be followed by 0 or 1.
		for j := 0; j < len(s); j++ {
			if s[j] == '~' && (j+1 >= len(s) || (s[j+1] != '0' && s[j+1] != '1')) {
				return nil, fmt.Errorf("JSON pointer %q has an invalid escape", p)
			}
		}
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

// arrayIndex parses an RFC 6901 array index (no sign, no leading zeros).
func arrayIndex(tok string, n int) (int, error) {
	if tok == "" || (len(tok) > 1 && tok[0] == '0') || strings.TrimLeft(tok, "0123456789") != "" {
		return 0, fmt.Errorf("invalid array index %q", tok)
	}
	i, err := strconv.Atoi(tok)
	if err != nil || i >= n {
		return 0, fmt.Errorf("array index %s out of range (length %d)", tok, n)
	}
	return i, nil
}

// getString returns the string at pointer p inside doc.
func getString(doc map[string]interface{}, p string) (string, error) {
	v, err := get(doc, p)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("value at %q is %T, not a string", p, v)
	}
	return s, nil
}

func get(doc map[string]interface{}, p string) (interface{}, error) {
	toks, err := splitPointer(p)
	if err != nil {
		return nil, err
	}
	var cur interface{} = doc
	for _, t := range toks {
		switch c := cur.(type) {
		case map[string]interface{}:
			v, ok := c[t]
			if !ok {
				return nil, fmt.Errorf("path %q does not exist", p)
			}
			cur = v
		case []interface{}:
			i, err := arrayIndex(t, len(c))
			if err != nil {
				return nil, fmt.Errorf("path %q: %w", p, err)
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("path %q does not exist", p)
		}
	}
	return cur, nil
}

// setExisting replaces the value at pointer p, which must exist and be
// inside a map or a slice. Slices are modified in place.
func setExisting(doc map[string]interface{}, p string, v interface{}) error {
	toks, err := splitPointer(p)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		return fmt.Errorf("cannot replace the whole document")
	}
	parentPtr := p[:strings.LastIndexByte(p, '/')]
	parent, err := get(doc, parentPtr)
	if err != nil {
		return err
	}
	last := toks[len(toks)-1]
	switch c := parent.(type) {
	case map[string]interface{}:
		if _, ok := c[last]; !ok {
			return fmt.Errorf("path %q does not exist", p)
		}
		c[last] = v
	case []interface{}:
		i, err := arrayIndex(last, len(c))
		if err != nil {
			return fmt.Errorf("path %q: %w", p, err)
		}
		c[i] = v
	default:
		return fmt.Errorf("path %q does not exist", p)
	}
	return nil
}

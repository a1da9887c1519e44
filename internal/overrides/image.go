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
	"strings"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// Image is a container image reference split into its components:
// [registry/]repository[:tag][@digest]. No default registry, repository
// prefix or tag is filled in, so String returns exactly what ParseImage read.
type Image struct {
	// Registry is the registry host (with optional port), such as
	// docker.io or registry:5000; empty when the reference names none.
	Registry string
	// Repository is the path within the registry, such as library/nginx.
	Repository string
	// Tag is the tag, such as 1.25; empty when there is none.
	Tag string
	// Digest is the content digest, such as sha256:<64 hex>; empty when
	// there is none.
	Digest string
}

// ParseImage splits an image reference. The first path component is the
// registry only if the reference has more than one component and the first
// contains '.' or ':' or is exactly "localhost".
func ParseImage(ref string) (Image, error) {
	var img Image
	if ref == "" {
		return img, fmt.Errorf("empty image reference")
	}
	if strings.ContainsAny(ref, " \t\r\n") {
		return img, fmt.Errorf("image reference %q contains whitespace", ref)
	}
	rest := ref
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		img.Digest = rest[i+1:]
		rest = rest[:i]
		if err := validateDigest(img.Digest); err != nil {
			return Image{}, fmt.Errorf("image reference %q: %w", ref, err)
		}
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		first := rest[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			img.Registry = first
			rest = rest[i+1:]
			if first == "" || strings.HasPrefix(first, ":") {
				return Image{}, fmt.Errorf("image reference %q: empty registry host", ref)
			}
		}
	}
	// After the registry is removed, a ':' can only introduce the tag.
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		img.Tag = rest[i+1:]
		rest = rest[:i]
		if img.Tag == "" {
			return Image{}, fmt.Errorf("image reference %q: empty tag", ref)
		}
		if strings.ContainsAny(img.Tag, "/:") {
			return Image{}, fmt.Errorf("image reference %q: invalid tag %q", ref, img.Tag)
		}
	}
	img.Repository = rest
	if rest == "" {
		return Image{}, fmt.Errorf("image reference %q: empty repository", ref)
	}
	if strings.Contains(rest, ":") {
		return Image{}, fmt.Errorf("image reference %q: invalid repository %q", ref, rest)
	}
	for _, part := range strings.Split(rest, "/") {
		if part == "" {
			return Image{}, fmt.Errorf("image reference %q: empty path component", ref)
		}
	}
	return img, nil
}

// validateDigest accepts algorithm:encoded with a non-empty algorithm of
// [a-z0-9+._-] and a non-empty encoded part of [a-zA-Z0-9=_-]; sha256
// digests must have 64 lowercase hex characters.
func isLowerAlnum(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }

func isLowerHex(r rune) bool { return r >= 'a' && r <= 'f' || r >= '0' && r <= '9' }

func validateDigest(d string) error {
	algo, enc, ok := strings.Cut(d, ":")
	if !ok || algo == "" || enc == "" {
		return fmt.Errorf("invalid digest %q", d)
	}
	for _, r := range algo {
		if !isLowerAlnum(r) && !strings.ContainsRune("+._-", r) {
			return fmt.Errorf("invalid digest algorithm %q", algo)
		}
	}
	for _, r := range enc {
		if !isLowerAlnum(r) && (r < 'A' || r > 'Z') && !strings.ContainsRune("=_-", r) {
			return fmt.Errorf("invalid digest %q", d)
		}
	}
	if algo == "sha256" {
		if len(enc) != 64 {
			return fmt.Errorf("sha256 digest must have 64 hex characters, got %d", len(enc))
		}
		for _, r := range enc {
			if !isLowerHex(r) {
				return fmt.Errorf("sha256 digest %q is not lowercase hex", enc)
			}
		}
	}
	return nil
}

// String joins the components back into a reference.
func (i Image) String() string {
	var b strings.Builder
	if i.Registry != "" {
		b.WriteString(i.Registry)
		b.WriteByte('/')
	}
	b.WriteString(i.Repository)
	if i.Tag != "" {
		b.WriteByte(':')
		b.WriteString(i.Tag)
	}
	if i.Digest != "" {
		b.WriteByte('@')
		b.WriteString(i.Digest)
	}
	return b.String()
}

// OverrideImage applies one image overrider to a reference and returns the
// new reference.
//
//   - Registry: add appends value to the registry host (an absent registry
//     becomes value), replace sets it to value, remove drops it.
//   - Repository: add appends value, replace sets it; remove is an error
//     because a reference needs a repository.
//   - Tag: add appends value to the tag (an absent tag becomes value),
//     replace sets the tag; both keep any digest, so a digest-only
//     reference gains the tag. remove drops the tag and the digest.
//
// The result must parse as an image reference.
func OverrideImage(ref string, o policyv1alpha1.ImageOverrider) (string, error) {
	img, err := ParseImage(ref)
	if err != nil {
		return "", err
	}
	switch o.Operator {
	case policyv1alpha1.OverriderOpAdd, policyv1alpha1.OverriderOpReplace, policyv1alpha1.OverriderOpRemove:
	default:
		return "", fmt.Errorf("unsupported operator %q", o.Operator)
	}
	var target *string
	switch o.Component {
	case policyv1alpha1.ImageComponentRegistry:
		target = &img.Registry
	case policyv1alpha1.ImageComponentRepository:
		if o.Operator == policyv1alpha1.OverriderOpRemove {
			return "", fmt.Errorf("the Repository component cannot be removed")
		}
		target = &img.Repository
	case policyv1alpha1.ImageComponentTag:
		target = &img.Tag
		if o.Operator == policyv1alpha1.OverriderOpRemove {
			img.Digest = ""
		}
	default:
		return "", fmt.Errorf("unsupported component %q", o.Component)
	}
	switch o.Operator {
	case policyv1alpha1.OverriderOpAdd:
		*target += o.Value
	case policyv1alpha1.OverriderOpReplace:
		*target = o.Value
	case policyv1alpha1.OverriderOpRemove:
		*target = ""
	}
	out := img.String()
	if _, err := ParseImage(out); err != nil {
		return "", fmt.Errorf("result is not a valid image: %w", err)
	}
	return out, nil
}

func applyImage(obj map[string]interface{}, o policyv1alpha1.ImageOverrider) error {
	if o.Predicate != nil {
		ref, err := getString(obj, o.Predicate.Path)
		if err != nil {
			return err
		}
		out, err := OverrideImage(ref, o)
		if err != nil {
			return fmt.Errorf("path %q: %w", o.Predicate.Path, err)
		}
		return setExisting(obj, o.Predicate.Path, out)
	}
	list, err := containers(obj)
	if err != nil {
		return err
	}
	for i, c := range list {
		m, ok := c.(map[string]interface{})
		if !ok {
			return fmt.Errorf("container %d is %T, not an object", i, c)
		}
		v, ok := m["image"]
		if !ok {
			continue
		}
		ref, ok := v.(string)
		if !ok {
			return fmt.Errorf("container %d: image is %T, not a string", i, v)
		}
		out, err := OverrideImage(ref, o)
		if err != nil {
			return fmt.Errorf("container %d: %w", i, err)
		}
		m["image"] = out
	}
	return nil
}

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
package dependencies

import (
	"sort"
	"sync"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/types"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/interpreter"
)

// withSnapshot returns requiredBy with the entry of snap's binding set to
// snap (added, or replaced in place), and whether that changed anything.
// Entries stay sorted by namespace and name so that the list does not
// depend on which dependent binding was distributed first.
func withSnapshot(requiredBy []workv1alpha2.BindingSnapshot, snap workv1alpha2.BindingSnapshot) ([]workv1alpha2.BindingSnapshot, bool) {
	out := make([]workv1alpha2.BindingSnapshot, 0, len(requiredBy)+1)
	found, changed := false, false
	for _, s := range requiredBy {
		if s.Namespace == snap.Namespace && s.Name == snap.Name {
			if found {
				changed = true // a duplicate entry goes
				continue
			}
			found = true
			if !equality.Semantic.DeepEqual(s, snap) {
				s, changed = snap, true
			}
		}
		out = append(out, s)
	}
	if !found {
		out, changed = append(out, snap), true
	}
	if !sorted(out) {
		sort.SliceStable(out, func(i, j int) bool { return less(out[i], out[j]) })
		changed = true
	}
	return out, changed
}

// withoutSnapshot returns requiredBy without the entry of the binding
// dependent, and whether there was one.
func withoutSnapshot(requiredBy []workv1alpha2.BindingSnapshot, dependent types.NamespacedName) ([]workv1alpha2.BindingSnapshot, bool) {
	out := make([]workv1alpha2.BindingSnapshot, 0, len(requiredBy))
	for _, s := range requiredBy {
		if s.Namespace != dependent.Namespace || s.Name != dependent.Name {
			out = append(out, s)
		}
	}
	return out, len(out) != len(requiredBy)
}

func less(a, b workv1alpha2.BindingSnapshot) bool {
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}

func sorted(s []workv1alpha2.BindingSnapshot) bool {
	for i := 1; i < len(s); i++ {
		if less(s[i], s[i-1]) {
			return false
		}
	}
	return true
}

// requiredByKeys are the index values of a binding: the dependent bindings
// its requiredBy names, as "namespace/name".
func requiredByKeys(b *workv1alpha2.ResourceBinding) []string {
	out := make([]string, 0, len(b.Spec.RequiredBy))
	for _, s := range b.Spec.RequiredBy {
		out = append(out, types.NamespacedName{Namespace: s.Namespace, Name: s.Name}.String())
	}
	return out
}

// references remembers which dependencies each binding's template named at
// its last distribution, so that the creation or change of a ConfigMap (or
// Secret, ...) finds the bindings that wait for it.
type references struct {
	mu   sync.Mutex
	deps map[types.NamespacedName][]interpreter.Dependency
	by   map[interpreter.Dependency]map[types.NamespacedName]bool
}

func newReferences() *references {
	return &references{deps: map[types.NamespacedName][]interpreter.Dependency{}, by: map[interpreter.Dependency]map[types.NamespacedName]bool{}}
}

// set records what binding depends on; nil forgets it.
func (r *references) set(binding types.NamespacedName, deps []interpreter.Dependency) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range r.deps[binding] {
		delete(r.by[d], binding)
		if len(r.by[d]) == 0 {
			delete(r.by, d)
		}
	}
	if len(deps) == 0 {
		delete(r.deps, binding)
		return
	}
	r.deps[binding] = deps
	for _, d := range deps {
		if r.by[d] == nil {
			r.by[d] = map[types.NamespacedName]bool{}
		}
		r.by[d][binding] = true
	}
}

// dependents returns the bindings that depend on d.
func (r *references) dependents(d interpreter.Dependency) []types.NamespacedName {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]types.NamespacedName, 0, len(r.by[d]))
	for b := range r.by[d] {
		out = append(out, b)
	}
	return out
}

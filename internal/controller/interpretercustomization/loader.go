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

// Package interpretercustomization keeps the resource interpreter in step
// with the ResourceInterpreterCustomizations: the Loader compiles them and
// registers their operations on every replica (and in pull agents), so
// that whichever process interprets a kind uses the same rules; the
// StatusWriter, on the leader, reports on each customisation whether it
// compiled, is shadowed by another, and how its operations fared.
package interpretercustomization

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/interpreter/customization"
)

// Loader compiles the customisations and registers them on Registry. It
// recompiles a customisation only when its generation changes, and
// registers a kind again only when the set of customisations behind it
// changes, so that listeners re-derive only what a change can affect.
type Loader struct {
	Reader   client.Reader
	Registry *interpreter.Registry
	Scripts  customization.Scripts
	Failures *customization.Failures

	mu         sync.Mutex
	built      map[string]loaded
	signatures map[schema.GroupVersionKind]string
	shadowed   map[string][]error
}

type loaded struct {
	generation int64
	built      customization.Built
}

// Load reads every customisation and brings the registry in step.
func (l *Loader) Load(ctx context.Context, reader client.Reader) error {
	list := &configv1alpha1.ResourceInterpreterCustomizationList{}
	if err := reader.List(ctx, list); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.built == nil {
		l.built, l.signatures = map[string]loaded{}, map[schema.GroupVersionKind]string{}
	}
	present := map[string]bool{}
	all := make([]customization.Built, 0, len(list.Items))
	signatures := map[schema.GroupVersionKind][]string{}
	for i := range list.Items {
		ric := &list.Items[i]
		present[ric.Name] = true
		entry, ok := l.built[ric.Name]
		if !ok || entry.generation != ric.Generation {
			if ok && l.Failures != nil {
				l.Failures.Forget(ric.Name)
			}
			entry = loaded{generation: ric.Generation, built: customization.Build(ric, l.Scripts, l.Failures)}
			l.built[ric.Name] = entry
		}
		all = append(all, entry.built)
		target := entry.built.Target
		signatures[target] = append(signatures[target], ric.Name+"@"+strconv.FormatInt(ric.Generation, 10))
	}
	for name := range l.built {
		if !present[name] {
			delete(l.built, name)
			if l.Failures != nil {
				l.Failures.Forget(name)
			}
		}
	}
	merged, shadowed := customization.Merge(all)
	l.shadowed = shadowed
	for gvk, ops := range merged {
		names := signatures[gvk]
		sort.Strings(names)
		signature := strings.Join(names, ",")
		if l.signatures[gvk] == signature {
			continue
		}
		l.signatures[gvk] = signature
		l.Registry.Register(gvk, ops)
		ctrl.LoggerFrom(ctx).Info("Customised the interpretation of a kind", "kind", gvk.String(), "customizations", signature,
			"operations", ops.Implemented())
	}
	for gvk := range l.signatures {
		if _, ok := merged[gvk]; !ok {
			delete(l.signatures, gvk)
			l.Registry.Unregister(gvk)
			ctrl.LoggerFrom(ctx).Info("Removed the customisation of a kind", "kind", gvk.String())
		}
	}
	return nil
}

// state is what the loader knows of one customisation: its compile
// errors, the operations another customisation shadows, and what it
// implements.
type state struct {
	generation  int64
	implemented []interpreter.Operation
	errors      []error
	shadowed    []error
	target      schema.GroupVersionKind
}

func (l *Loader) state(name string) (state, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	entry, ok := l.built[name]
	if !ok {
		return state{}, false
	}
	return state{generation: entry.generation, implemented: entry.built.Operations.Implemented(), errors: entry.built.Errors,
		shadowed: l.shadowed[name], target: entry.built.Target}, true
}

// Reconcile loads on any change of any customisation: they are few, and
// merging them needs them all.
func (l *Loader) Reconcile(ctx context.Context, _ ctrl.Request) (ctrl.Result, error) {
	return ctrl.Result{}, l.Load(ctx, l.Reader)
}

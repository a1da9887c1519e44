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

package interpreter

import (
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// builtins are the kinds' own operations, registered by each kind's file
// at start-up and read-only afterwards.
var builtins = map[schema.GroupKind]Operations{}

// registerBuiltin is called from the init of a kind's file.
func registerBuiltin(gk schema.GroupKind, ops Operations) {
	if _, dup := builtins[gk]; dup {
		panic(fmt.Sprintf("interpreter: %v registered twice", gk))
	}
	builtins[gk] = ops
}

// Registry holds customisations: operations registered for a
// group/version/kind over its built-in ones. It is safe for concurrent use.
type Registry struct {
	mu         sync.RWMutex
	customised map[schema.GroupVersionKind]Operations
	// listeners are told of each kind whose customisation changed, so that
	// what was derived with the old operations is derived again.
	listeners []func(schema.GroupVersionKind)
}

// NewRegistry returns a registry without customisations.
func NewRegistry() *Registry {
	return &Registry{customised: map[schema.GroupVersionKind]Operations{}}
}

// Default is the registry the controllers consult through For.
var Default = NewRegistry()

// For returns the interpreter of a kind from the Default registry.
func For(gvk schema.GroupVersionKind) Interpreter { return Default.For(gvk) }

// Register makes ops the customisation of gvk, replacing any earlier one:
// its non-nil operations take precedence over the kind's built-in ones,
// the others fall back to them.
func (r *Registry) Register(gvk schema.GroupVersionKind, ops Operations) {
	r.mu.Lock()
	r.customised[gvk] = ops
	listeners := r.listeners
	r.mu.Unlock()
	for _, l := range listeners {
		l(gvk)
	}
}

// Unregister removes gvk's customisation: the kind's built-in operations
// answer again.
func (r *Registry) Unregister(gvk schema.GroupVersionKind) {
	r.mu.Lock()
	_, had := r.customised[gvk]
	delete(r.customised, gvk)
	listeners := r.listeners
	r.mu.Unlock()
	if !had {
		return
	}
	for _, l := range listeners {
		l(gvk)
	}
}

// Customised lists the kinds that have a customisation.
func (r *Registry) Customised() []schema.GroupVersionKind {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]schema.GroupVersionKind, 0, len(r.customised))
	for gvk := range r.customised {
		out = append(out, gvk)
	}
	return out
}

// OnChange calls fn with the kind after every Register or Unregister that
// changed something. fn runs on the registering goroutine: it only queues
// work.
func (r *Registry) OnChange(fn func(schema.GroupVersionKind)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.listeners = append(r.listeners, fn)
}

// For returns the interpreter of a kind: its customisation, over its
// built-in operations, over the default.
func (r *Registry) For(gvk schema.GroupVersionKind) Interpreter {
	r.mu.RLock()
	custom := r.customised[gvk]
	r.mu.RUnlock()
	own := custom.Over(builtins[gvk.GroupKind()])
	if own.AggregateStatus == nil && aggregatesByConvention(gvk.GroupKind()) {
		own.AggregateStatus = aggregateConventional
	}
	return layered{own: own, all: own.Over(defaults), movesAware: custom.AggregateStatus == nil && movesAware[gvk.GroupKind()]}
}

// Over returns ops with its nil operations taken from base.
func (ops Operations) Over(base Operations) Operations {
	if ops.GetReplicas == nil {
		ops.GetReplicas = base.GetReplicas
	}
	if ops.ReviseReplica == nil {
		ops.ReviseReplica = base.ReviseReplica
	}
	if ops.GetDependencies == nil {
		ops.GetDependencies = base.GetDependencies
	}
	if ops.InterpretHealth == nil {
		ops.InterpretHealth = base.InterpretHealth
	}
	if ops.ReflectStatus == nil {
		ops.ReflectStatus = base.ReflectStatus
	}
	if ops.AggregateStatus == nil {
		ops.AggregateStatus = base.AggregateStatus
	}
	if ops.Retain == nil {
		ops.Retain = base.Retain
	}
	return ops
}

// layered is a kind's resolved interpreter.
type layered struct {
	own Operations // the kind's own: customised or built-in, nil for none
	all Operations // own over the default: every operation set
	// movesAware: its status aggregation counts leaving copies (see
	// MemberStatus.Leaving); others are given the targets only.
	movesAware bool
}

func (l layered) Handles(op Operation) bool { return l.own.Has(op) }

func (l layered) GetReplicas(obj *unstructured.Unstructured) (*Replicated, error) {
	return l.all.GetReplicas(obj)
}

func (l layered) ReviseReplica(obj *unstructured.Unstructured, share Share) error {
	return l.all.ReviseReplica(obj, share)
}

func (l layered) GetDependencies(obj *unstructured.Unstructured) ([]Dependency, error) {
	return l.all.GetDependencies(obj)
}

func (l layered) InterpretHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth {
	return l.all.InterpretHealth(obj)
}

func (l layered) ReflectStatus(obj *unstructured.Unstructured) (*runtime.RawExtension, error) {
	return l.all.ReflectStatus(obj)
}

func (l layered) Retain(desired, observed *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	return l.all.Retain(desired, observed)
}

func (l layered) AggregateStatus(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error) {
	if !l.movesAware {
		members, _ = splitLeaving(members)
	}
	return l.all.AggregateStatus(tpl, members, now)
}

// allOperations lists every operation.
var allOperations = []Operation{
	OperationInterpretReplica, OperationReviseReplica, OperationInterpretDependency, OperationInterpretHealth,
	OperationInterpretStatus, OperationAggregateStatus, OperationRetain,
}

// Implemented lists the operations ops implements.
func (ops Operations) Implemented() []Operation {
	var out []Operation
	for _, op := range allOperations {
		if ops.Has(op) {
			out = append(out, op)
		}
	}
	return out
}

// Has reports whether ops implements op.
func (ops Operations) Has(op Operation) bool {
	switch op {
	case OperationInterpretReplica:
		return ops.GetReplicas != nil
	case OperationReviseReplica:
		return ops.ReviseReplica != nil
	case OperationInterpretDependency:
		return ops.GetDependencies != nil
	case OperationInterpretHealth:
		return ops.InterpretHealth != nil
	case OperationInterpretStatus:
		return ops.ReflectStatus != nil
	case OperationAggregateStatus:
		return ops.AggregateStatus != nil
	case OperationRetain:
		return ops.Retain != nil
	}
	return false
}

// With returns ops with op taken from src.
func (ops Operations) With(op Operation, src Operations) Operations {
	switch op {
	case OperationInterpretReplica:
		ops.GetReplicas = src.GetReplicas
	case OperationReviseReplica:
		ops.ReviseReplica = src.ReviseReplica
	case OperationInterpretDependency:
		ops.GetDependencies = src.GetDependencies
	case OperationInterpretHealth:
		ops.InterpretHealth = src.InterpretHealth
	case OperationInterpretStatus:
		ops.ReflectStatus = src.ReflectStatus
	case OperationAggregateStatus:
		ops.AggregateStatus = src.AggregateStatus
	case OperationRetain:
		ops.Retain = src.Retain
	}
	return ops
}

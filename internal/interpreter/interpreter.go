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

// Package interpreter is the resource interpreter: the one place that
// knows, per kind, how to read a template's replicas and what one replica
// asks of a node (GetReplicas), write one cluster's share into it
// (ReviseReplica), list what it references (GetDependencies), judge a
// member object's health (InterpretHealth), reflect its status back
// (ReflectStatus), sum the members' statuses into the template's
// (AggregateStatus) and keep what member-side controllers own when
// applying (Retain). The operations follow Karmada's resource interpreter;
// the Operation names follow its ResourceInterpreterCustomization.
//
// Callers ask For(gvk) and get an Interpreter on which every operation
// answers. Implementations register Operations instead: a struct of
// optional functions, where a nil one falls back to the next layer. That
// shape is chosen over an interface because an implementation rarely
// covers everything: a DaemonSet only has dependencies, and a Karmada
// customisation scripts only the operations its CRD needs. With optional
// functions a partial implementation is a literal naming what it does,
// and whatever it leaves out is answered below it, with no embedding of
// what it overrides. The layers, top first:
//
//  1. a customisation registered on a Registry for the exact
//     group/version/kind (what a Lua-scripted
//     ResourceInterpreterCustomization would register: its target is an
//     apiVersion and a kind);
//  2. the built-in operations of the group and kind, for every version:
//     each kind registers itself from its own file (deployment.go, job.go,
//     ...), so adding a kind is adding a file;
//  3. the default (default.go): no replicas, no dependencies, healthy once
//     applied, the whole status reflected, no aggregation.
//
// Handles reports whether a kind has an operation of its own (Karmada's
// HookEnabled), so callers skip work whose default answer is nothing.
//
// Every operation is pure: it reads and writes only its arguments, and
// AggregateStatus takes the time it stamps on conditions, so callers and
// tests decide the clock.
package interpreter

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler/estimator"
)

// Interpreter handles one kind; every operation answers, from the kind's
// own implementation or the default.
type Interpreter interface {
	// Handles reports whether the kind implements op itself rather than
	// falling back to the default.
	Handles(op Operation) bool
	// GetReplicas returns the replicas and per-replica requirements of a
	// template, or nil for a kind whose replicas are not divided across
	// clusters (it is propagated whole).
	GetReplicas(obj *unstructured.Unstructured) (*Replicated, error)
	// ReviseReplica writes one cluster's share of a divided workload into
	// obj, the manifest being rendered for that cluster.
	ReviseReplica(obj *unstructured.Unstructured, share Share) error
	// GetDependencies returns the objects a workload needs in the same
	// cluster, sorted by kind then name, without duplicates.
	GetDependencies(obj *unstructured.Unstructured) ([]Dependency, error)
	// InterpretHealth judges a member object's state.
	InterpretHealth(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth
	// ReflectStatus returns what a member object reports to the control
	// plane in its Work's manifest status, or nil for nothing.
	ReflectStatus(obj *unstructured.Unstructured) (*runtime.RawExtension, error)
	// AggregateStatus returns the template's status computed from what its
	// target clusters report, with now stamped on new conditions, or nil
	// when the template's status is to be left as it is.
	AggregateStatus(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error)
	// Retain returns what to apply to a member given the manifest (desired)
	// and the member's object (observed): desired with the values member
	// components own carried over from observed. Server-side apply already
	// keeps the fields a manifest leaves out; Retain is for fields the
	// manifest sets and a member controller changes.
	Retain(desired, observed *unstructured.Unstructured) (*unstructured.Unstructured, error)
}

// Operation names an operation of the interpreter as Karmada's
// ResourceInterpreterCustomization does.
type Operation string

// The operations, with the Interpreter method each names.
const (
	OperationInterpretReplica    Operation = "InterpretReplica"    // GetReplicas
	OperationReviseReplica       Operation = "ReviseReplica"       // ReviseReplica
	OperationInterpretDependency Operation = "InterpretDependency" // GetDependencies
	OperationInterpretHealth     Operation = "InterpretHealth"     // InterpretHealth
	OperationInterpretStatus     Operation = "InterpretStatus"     // ReflectStatus
	OperationAggregateStatus     Operation = "AggregateStatus"     // AggregateStatus
	OperationRetain              Operation = "Retain"              // Retain
)

// Operations implement some operations for a kind; each nil one falls back
// to the layer below (see the package documentation).
type Operations struct {
	GetReplicas     func(obj *unstructured.Unstructured) (*Replicated, error)
	ReviseReplica   func(obj *unstructured.Unstructured, share Share) error
	GetDependencies func(obj *unstructured.Unstructured) ([]Dependency, error)
	InterpretHealth func(obj *unstructured.Unstructured) workv1alpha1.ResourceHealth
	ReflectStatus   func(obj *unstructured.Unstructured) (*runtime.RawExtension, error)
	AggregateStatus func(tpl *unstructured.Unstructured, members []MemberStatus, now time.Time) (map[string]any, error)
	Retain          func(desired, observed *unstructured.Unstructured) (*unstructured.Unstructured, error)
}

// Replicated describes a template with replicas.
type Replicated struct {
	Replicas     int64
	Requirements estimator.Requirements
	// MinPerCluster, when above one, is the fewest replicas a cluster may
	// receive if it receives any: a gang (a Volcano Job's minAvailable)
	// that cannot run in smaller pieces. The division gives a cluster
	// either none or at least this many.
	MinPerCluster int64
}

// Share is what one cluster receives of a divided workload.
type Share struct {
	Cluster  string
	Replicas int64
	// Clusters are every target cluster's replicas, for fields divided in
	// proportion to them (a Job's completions).
	Clusters []workv1alpha2.TargetCluster
	// Seed breaks the ties of such divisions alike in every render: the
	// template's UID.
	Seed string
}

// MemberStatus is what one target cluster reports of the template's copy.
type MemberStatus struct {
	Cluster string
	// Status is the member object's reflected status (see ReflectStatus),
	// nil when the cluster has not reported on its Work's current spec.
	Status *runtime.RawExtension
	Health workv1alpha1.ResourceHealth
	// Current: the cluster runs a copy rendered from the template's
	// current generation.
	Current bool
	// Assigned is what the scheduling decision gives the cluster: its
	// share of the replicas, or all of them when they are duplicated.
	// During a move, and for a leaving copy, what its copy runs.
	Assigned int64
	// Leaving marks the copy on a cluster the workload is moving off (a
	// graceful eviction, a failback) that still serves, healthy, until the
	// new placement is. Kinds that understand moves count it meanwhile
	// (see duringMove); the others never see it.
	Leaving bool
}

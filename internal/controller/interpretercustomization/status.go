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

package interpretercustomization

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	"kurator.dev/kurator/internal/interpreter/customization"
)

// ConditionReady is the customisation's condition.
const ConditionReady = "Ready"

// failureRefresh is how often a customisation with unrecovered failures
// gets its counts written again: a failing script is not worth a status
// write per object it fails on.
const failureRefresh = 30 * time.Second

// StatusWriter writes each customisation's status from the Loader's state
// and the failures its operations reported.
type StatusWriter struct {
	Client   client.Client
	Loader   *Loader
	Failures *customization.Failures
}

// Reconcile writes one customisation's status.
func (w *StatusWriter) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ric := &configv1alpha1.ResourceInterpreterCustomization{}
	if err := w.Client.Get(ctx, req.NamespacedName, ric); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	st, ok := w.Loader.state(ric.Name)
	if !ok || st.generation != ric.Generation {
		// The loader has not compiled this generation yet; it will, and
		// its reconcile of the same event comes with it.
		return ctrl.Result{RequeueAfter: time.Second}, nil
	}
	failures := w.Failures.Of(ric.Name)
	status := ric.Status.DeepCopy()
	status.ObservedGeneration = ric.Generation
	status.Failures = failures
	apimeta.SetStatusCondition(&status.Conditions, readyCondition(st, failures, ric.Generation))
	var result ctrl.Result
	for _, f := range failures {
		if !f.Recovered {
			result.RequeueAfter = failureRefresh
		}
	}
	if reflect.DeepEqual(status, &ric.Status) {
		return result, nil
	}
	patch := client.MergeFrom(ric.DeepCopy())
	ric.Status = *status
	return result, w.Client.Status().Patch(ctx, ric, patch)
}

// readyCondition: compile errors first, then shadowed operations, then the
// failures not recovered from.
func readyCondition(st state, failures []configv1alpha1.OperationFailure, generation int64) metav1.Condition {
	c := metav1.Condition{Type: ConditionReady, ObservedGeneration: generation}
	switch {
	case len(st.errors) > 0:
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, string(customization.OperationOf(st.errors[0]))+"Invalid", joinErrors(st.errors)
	case len(st.shadowed) > 0:
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, "Shadowed", joinErrors(st.shadowed)
	default:
		var failing []string
		for _, f := range failures {
			if !f.Recovered {
				if c.Reason == "" {
					c.Reason = f.Operation + "Failed"
				}
				failing = append(failing, fmt.Sprintf("%s failed on %s (%d times, last at %s): %s",
					f.Operation, f.Object, f.Count, f.LastFailureTime.UTC().Format(time.RFC3339), f.Message))
			}
		}
		if len(failing) > 0 {
			c.Status, c.Message = metav1.ConditionFalse, strings.Join(failing, "; ")
			break
		}
		ops := make([]string, len(st.implemented))
		for i, op := range st.implemented {
			ops[i] = string(op)
		}
		c.Status, c.Reason = metav1.ConditionTrue, "InForce"
		c.Message = fmt.Sprintf("%s of %s is interpreted by this customisation", strings.Join(ops, ", "), st.target.Kind)
	}
	return c
}

func joinErrors(errs []error) string {
	msgs := make([]string, len(errs))
	for i, err := range errs {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

// Setup adds the Loader (on every replica: NeedLeaderElection false) and
// the StatusWriter (on the leader) to mgr. failureEvents carries the names
// Failures.Changed is told.
func Setup(mgr ctrl.Manager, loader *Loader, failures *customization.Failures, failureEvents <-chan event.TypedGenericEvent[client.Object]) error {
	if err := SetupLoader(mgr, loader); err != nil {
		return err
	}
	writer := &StatusWriter{Client: mgr.GetClient(), Loader: loader, Failures: failures}
	return ctrl.NewControllerManagedBy(mgr).Named("interpretercustomization-status").
		For(&configv1alpha1.ResourceInterpreterCustomization{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WatchesRawSource(source.Channel(failureEvents, &handler.EnqueueRequestForObject{})).
		Complete(writer)
}

// SetupLoader adds the Loader alone to mgr, on every replica: a pull
// agent interprets its copies without writing customisations' status.
func SetupLoader(mgr ctrl.Manager, loader *Loader) error {
	if loader.Reader == nil {
		loader.Reader = mgr.GetClient()
	}
	notLeaderElected := false
	return ctrl.NewControllerManagedBy(mgr).Named("interpretercustomization-loader").
		For(&configv1alpha1.ResourceInterpreterCustomization{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: 1, NeedLeaderElection: &notLeaderElected}).
		Complete(loader)
}

// FailureEvents returns a Failures.Changed that feeds the returned
// channel, for Setup.
func FailureEvents() (func(string), chan event.TypedGenericEvent[client.Object]) {
	ch := make(chan event.TypedGenericEvent[client.Object], 256)
	return func(name string) {
		ric := &configv1alpha1.ResourceInterpreterCustomization{}
		ric.Name = name
		go func() { ch <- event.TypedGenericEvent[client.Object]{Object: ric} }()
	}, ch
}

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

package cronfederatedhpa

import (
	"context"
	"fmt"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
	"kurator.dev/kurator/internal/scaletarget"
)

// failure is why a run did not apply.
type failure struct {
	reason, message string
}

// outcome is what a run set, or why it failed.
type outcome struct {
	replicas, minReplicas, maxReplicas *int32
	// adjusted says which bound moved to keep min ≤ max.
	adjusted string
	failure  *failure
}

func failed(reason, format string, args ...any) outcome {
	return outcome{failure: &failure{reason: reason, message: fmt.Sprintf(format, args...)}}
}

// describe says what the run set, or why it failed.
func (o outcome) describe() string {
	if o.failure != nil {
		return o.failure.message
	}
	var parts []string
	if o.replicas != nil {
		parts = append(parts, fmt.Sprintf("replicas set to %d", *o.replicas))
	}
	if o.minReplicas != nil {
		parts = append(parts, fmt.Sprintf("minReplicas set to %d", *o.minReplicas))
	}
	if o.maxReplicas != nil {
		parts = append(parts, fmt.Sprintf("maxReplicas set to %d", *o.maxReplicas))
	}
	if o.adjusted != "" {
		parts = append(parts, o.adjusted)
	}
	return strings.Join(parts, ", ")
}

// execute applies one run to the target. A failure the next run may not
// see (the target missing, forbidden, no scale subresource) is an outcome
// to record; a conflict or an overloaded API server is an error, and the
// run is retried.
func (r *Reconciler) execute(ctx context.Context, cron *autoscalingv1alpha1.CronFederatedHPA, run run) (outcome, error) {
	ref := cron.Spec.ScaleTargetRef
	var o outcome
	var err error
	// The API's validation rejects both cases; a server without it may not,
	// and a missing value must not read as zero replicas.
	switch fhpa := isFederatedHPA(ref); {
	case fhpa && run.rule.TargetMinReplicas == nil && run.rule.TargetMaxReplicas == nil:
		return failed(ReasonInvalidRule, "a rule for a FederatedHPA sets targetMinReplicas or targetMaxReplicas"), nil
	case fhpa:
		o, err = r.setBounds(ctx, cron.Namespace, ref.Name, run.rule)
	case run.rule.TargetReplicas == nil:
		return failed(ReasonInvalidRule, "a rule for a %s sets targetReplicas", ref.Kind), nil
	default:
		o, err = r.scaleWorkload(ctx, cron.Namespace, ref, *run.rule.TargetReplicas)
	}
	switch {
	case err == nil:
		return o, nil
	case apierrors.IsConflict(err) || apierrors.IsTooManyRequests(err) || apierrors.IsServerTimeout(err) ||
		apierrors.IsTimeout(err) || apierrors.IsServiceUnavailable(err):
		return outcome{}, fmt.Errorf("rule %s on %s %s: %w", run.rule.Name, ref.Kind, ref.Name, err)
	case apierrors.IsForbidden(err):
		return failed(ReasonForbidden, "%s %s: %v", ref.Kind, ref.Name, err), nil
	default:
		return failed(ReasonScaleFailed, "%s %s: %v", ref.Kind, ref.Name, err), nil
	}
}

func isFederatedHPA(ref autoscalingv2.CrossVersionObjectReference) bool {
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	return err == nil && gv.Group == autoscalingv1alpha1.GroupName && ref.Kind == "FederatedHPA"
}

// scaleWorkload sets a resource template's replicas through its scale
// subresource, as an HPA would; the scheduler then divides them.
func (r *Reconciler) scaleWorkload(ctx context.Context, ns string, ref autoscalingv2.CrossVersionObjectReference, replicas int32) (outcome, error) {
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return failed(ReasonTargetNotFound, "scaleTargetRef.apiVersion %q: %v", ref.APIVersion, err), nil
	}
	gvk := gv.WithKind(ref.Kind)
	mapping, err := r.Client.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
	if apimeta.IsNoMatchError(err) {
		return failed(ReasonTargetNotFound, "the control plane serves no kind %s in %s", ref.Kind, ref.APIVersion), nil
	}
	if err != nil {
		return outcome{}, fmt.Errorf("resolve kind %s: %w", gvk, err)
	}
	namespace := ""
	if mapping.Scope.Name() == apimeta.RESTScopeNameNamespace {
		namespace = ns
	}
	target := scaletarget.Object(r.Client.Scheme(), gvk, namespace, ref.Name)
	if err := r.reader().Get(ctx, client.ObjectKeyFromObject(target), target); apierrors.IsNotFound(err) {
		return failed(ReasonTargetNotFound, "%s %s not found in namespace %s", ref.Kind, ref.Name, ns), nil
	} else if err != nil {
		return outcome{}, err
	}
	scale, err := scaletarget.Get(ctx, r.Client, target)
	if apierrors.IsNotFound(err) || apimeta.IsNoMatchError(err) {
		return failed(ReasonNoScaleSubresource, "%s %s has no scale subresource (%s)", ref.Kind, ref.Name, mapping.Resource.GroupResource()), nil
	} else if err != nil {
		return outcome{}, err
	}
	if scale.Spec.Replicas != replicas {
		scale.Spec.Replicas = replicas
		if err := scaletarget.Update(ctx, r.Client, target, scale); err != nil {
			return outcome{}, err
		}
	}
	return outcome{replicas: &replicas}, nil
}

// setBounds sets the bounds the rule names on a FederatedHPA. When the
// new bound crosses the one the rule leaves, that one moves to the rule's
// value, so min ≤ max holds; a rule whose own bounds cross fails.
func (r *Reconciler) setBounds(ctx context.Context, ns, name string, rule *autoscalingv1alpha1.CronFederatedHPARule) (outcome, error) {
	if rule.TargetMinReplicas != nil && rule.TargetMaxReplicas != nil && *rule.TargetMinReplicas > *rule.TargetMaxReplicas {
		return failed(ReasonInvalidBounds, "targetMinReplicas %d exceeds targetMaxReplicas %d", *rule.TargetMinReplicas, *rule.TargetMaxReplicas), nil
	}
	fhpa := &autoscalingv1alpha1.FederatedHPA{}
	if err := r.reader().Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, fhpa); apierrors.IsNotFound(err) {
		return failed(ReasonTargetNotFound, "FederatedHPA %s not found in namespace %s", name, ns), nil
	} else if err != nil {
		return outcome{}, err
	}
	lower, upper := ptr.Deref(fhpa.Spec.MinReplicas, autoscalingv1alpha1.DefaultMinReplicas), fhpa.Spec.MaxReplicas
	var o outcome
	switch {
	case rule.TargetMinReplicas != nil && rule.TargetMaxReplicas != nil:
		lower, upper = *rule.TargetMinReplicas, *rule.TargetMaxReplicas
		o.minReplicas, o.maxReplicas = ptr.To(lower), ptr.To(upper)
	case rule.TargetMinReplicas != nil:
		lower = *rule.TargetMinReplicas
		o.minReplicas = ptr.To(lower)
		if lower > upper {
			o.adjusted = fmt.Sprintf("maxReplicas raised from %d to stay at or above minReplicas", upper)
			upper = lower
			o.maxReplicas = ptr.To(upper)
		}
	case rule.TargetMaxReplicas != nil:
		upper = *rule.TargetMaxReplicas
		o.maxReplicas = ptr.To(upper)
		if lower > upper {
			o.adjusted = fmt.Sprintf("minReplicas lowered from %d to stay at or below maxReplicas", lower)
			lower = upper
			o.minReplicas = ptr.To(lower)
		}
	}
	// Only the bounds set change; the optimistic lock makes the min ≤ max
	// check hold against the version read.
	patch := client.MergeFromWithOptions(fhpa.DeepCopy(), client.MergeFromWithOptimisticLock{})
	if o.minReplicas != nil {
		fhpa.Spec.MinReplicas = ptr.To(lower)
	}
	if o.maxReplicas != nil {
		fhpa.Spec.MaxReplicas = upper
	}
	if err := r.Client.Patch(ctx, fhpa, patch); err != nil {
		return outcome{}, fmt.Errorf("patch FederatedHPA %s bounds: %w", name, err)
	}
	return o, nil
}

func (r *Reconciler) reader() client.Reader {
	if r.Reader != nil {
		return r.Reader
	}
	return r.Client
}

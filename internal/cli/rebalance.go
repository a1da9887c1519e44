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

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// kindAliases maps the lowercased names and short names kubectl accepts for
// common kinds to the kind. Any other KIND is used as given: binding names
// are lowercased, so the kind's own name matches in any case.
var kindAliases = map[string]string{
	"deploy": "Deployment", "deployment": "Deployment", "deployments": "Deployment",
	"sts": "StatefulSet", "statefulset": "StatefulSet", "statefulsets": "StatefulSet",
	"rs": "ReplicaSet", "replicaset": "ReplicaSet", "replicasets": "ReplicaSet",
	"ds": "DaemonSet", "daemonset": "DaemonSet", "daemonsets": "DaemonSet",
	"job": "Job", "jobs": "Job",
	"cj": "CronJob", "cronjob": "CronJob", "cronjobs": "CronJob",
	"cm": "ConfigMap", "configmap": "ConfigMap", "configmaps": "ConfigMap",
	"secret": "Secret", "secrets": "Secret",
	"svc": "Service", "service": "Service", "services": "Service",
	"ing": "Ingress", "ingress": "Ingress", "ingresses": "Ingress",
	"sa": "ServiceAccount", "serviceaccount": "ServiceAccount", "serviceaccounts": "ServiceAccount",
	"pvc": "PersistentVolumeClaim", "persistentvolumeclaim": "PersistentVolumeClaim", "persistentvolumeclaims": "PersistentVolumeClaim",
	"hpa": "HorizontalPodAutoscaler", "horizontalpodautoscaler": "HorizontalPodAutoscaler", "horizontalpodautoscalers": "HorizontalPodAutoscaler",
	"pdb": "PodDisruptionBudget", "poddisruptionbudget": "PodDisruptionBudget", "poddisruptionbudgets": "PodDisruptionBudget",
	"ns": "Namespace", "namespace": "Namespace", "namespaces": "Namespace",
	"crd": "CustomResourceDefinition", "customresourcedefinition": "CustomResourceDefinition", "customresourcedefinitions": "CustomResourceDefinition",
}

// workloadRef is one KIND/NAME argument of rebalance.
type workloadRef struct {
	kind string // as in the template, e.g. Deployment
	name string
}

func (r workloadRef) String() string { return strings.ToLower(r.kind) + "/" + r.name }

// parseWorkloadRef parses KIND/NAME, resolving kubectl's short names.
func parseWorkloadRef(arg string) (workloadRef, error) {
	kind, name, ok := strings.Cut(arg, "/")
	if !ok || kind == "" || name == "" || strings.Contains(name, "/") {
		return workloadRef{}, UsageError{fmt.Errorf("%q is not KIND/NAME (such as deployment/nginx)", arg)}
	}
	if k, ok := kindAliases[strings.ToLower(kind)]; ok {
		kind = k
	}
	return workloadRef{kind: kind, name: name}, nil
}

// rebalanceOptions are the flags of 'kurator rebalance'.
type rebalanceOptions struct {
	namespace string
	all       bool
	now       func() time.Time
}

func newRebalanceCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cp := newControlPlaneFlags()
	o := rebalanceOptions{now: time.Now}
	cmd := &cobra.Command{
		Use:   "rebalance [-n NAMESPACE] (KIND/NAME... | --all)",
		Short: "Reschedule workloads from scratch, as if they were new",
		Long: `Ask the scheduler to place workloads again from scratch, ignoring where their
replicas run now (like Karmada's WorkloadRebalancer): for example to spread
them again after a cluster came back or was uncordoned. A workload with ordered
clusterAffinities starts again from the first term, so one that failed over to
a backup term returns to its primary. The binding of each workload gets
spec.rescheduleTriggeredAt set to now.

KIND is case-insensitive and accepts kubectl's short names (deploy, sts, rs,
ds, cm, svc, ...). A workload is looked up as a ResourceBinding in the
namespace, then as a ClusterResourceBinding (cluster-scoped kinds). With
--all, every ResourceBinding of the namespace is rescheduled. A workload
without a binding is an error (exit 1); the others are still rescheduled.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case o.all && len(args) > 0:
				return UsageError{errors.New("--all and KIND/NAME arguments exclude each other")}
			case !o.all && len(args) == 0:
				return UsageError{errors.New("name at least one workload as KIND/NAME (such as deployment/nginx), or pass --all")}
			}
			refs := make([]workloadRef, 0, len(args))
			for _, a := range args {
				r, err := parseWorkloadRef(a)
				if err != nil {
					return err
				}
				refs = append(refs, r)
			}
			o.namespace = cp.namespace("default")
			c, err := cp.client()
			if err != nil {
				return err
			}
			return runRebalance(cmd.Context(), c, streams.Out, refs, o)
		},
	}
	cp.AddFlags(cmd.Flags())
	cmd.Flags().BoolVar(&o.all, "all", false, "reschedule every workload (ResourceBinding) of the namespace")
	return cmd
}

func runRebalance(ctx context.Context, c client.Client, out io.Writer, refs []workloadRef, o rebalanceOptions) error {
	if o.all {
		var list workv1alpha2.ResourceBindingList
		if err := c.List(ctx, &list, client.InNamespace(o.namespace)); err != nil {
			return fmt.Errorf("list resource bindings: %w", err)
		}
		if len(list.Items) == 0 {
			fmt.Fprintf(out, "no workloads with a binding in namespace %s\n", o.namespace)
			return nil
		}
		var errs []error
		for i := range list.Items {
			b := &list.Items[i]
			ref := workloadRef{kind: b.Spec.Resource.Kind, name: b.Spec.Resource.Name}
			if err := requestReschedule(ctx, c, b, o.now()); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", ref, err))
				continue
			}
			fmt.Fprintf(out, "%s rescheduling requested\n", ref)
		}
		return errors.Join(errs...)
	}
	var errs []error
	for _, ref := range refs {
		b, err := findBinding(ctx, c, o.namespace, ref)
		if err == nil {
			err = requestReschedule(ctx, c, b, o.now())
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", ref, err))
			continue
		}
		fmt.Fprintf(out, "%s rescheduling requested\n", ref)
	}
	return errors.Join(errs...)
}

// findBinding returns the ResourceBinding of the workload in namespace, else
// its ClusterResourceBinding.
func findBinding(ctx context.Context, c client.Client, namespace string, ref workloadRef) (workv1alpha2.Binding, error) {
	name := workv1alpha2.BindingName(ref.name, ref.kind)
	rb := &workv1alpha2.ResourceBinding{}
	err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, rb)
	switch {
	case err == nil && bindsTo(&rb.Spec, ref):
		return rb, nil
	case err != nil && !apierrors.IsNotFound(err):
		return nil, fmt.Errorf("get resource binding %s/%s: %w", namespace, name, err)
	}
	crb := &workv1alpha2.ClusterResourceBinding{}
	err = c.Get(ctx, client.ObjectKey{Name: name}, crb)
	switch {
	case err == nil && bindsTo(&crb.Spec, ref):
		return crb, nil
	case err != nil && !apierrors.IsNotFound(err):
		return nil, fmt.Errorf("get cluster resource binding %s: %w", name, err)
	}
	return nil, fmt.Errorf("no binding: neither ResourceBinding %s/%s nor ClusterResourceBinding %s exists; "+
		"is the workload propagated by a policy? (see 'kurator get rb -n %s')", namespace, name, name, namespace)
}

// bindsTo reports whether a binding is the workload's (binding names can
// collide: "a-b" of kind C and "a" of kind "B-C").
func bindsTo(spec *workv1alpha2.ResourceBindingSpec, ref workloadRef) bool {
	return strings.EqualFold(spec.Resource.Kind, ref.kind) && spec.Resource.Name == ref.name
}

// requestReschedule sets spec.rescheduleTriggeredAt with a merge patch.
func requestReschedule(ctx context.Context, c client.Client, b workv1alpha2.Binding, now time.Time) error {
	before, ok := b.DeepCopyObject().(client.Object)
	if !ok {
		return fmt.Errorf("not an object: %T", b)
	}
	at := metav1.NewTime(now)
	b.BindingSpec().RescheduleTriggeredAt = &at
	if err := c.Patch(ctx, b, client.MergeFrom(before)); err != nil {
		return fmt.Errorf("patch binding: %w", err)
	}
	return nil
}

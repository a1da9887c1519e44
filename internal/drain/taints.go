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

// Package drain takes member clusters out of service and back: the cordon
// and draining taints it puts on Clusters, where the bindings on a draining
// cluster stand, and waiting until they have left. 'kurator cordon',
// 'uncordon' and 'drain' are thin layers over it.
package drain

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

// Only these taint keys are ever added or removed here; every other taint
// (such as the not-ready taints of the cluster-status controller) is kept.
const (
	// TaintCordoned (NoSchedule) keeps new placements off a cluster; what
	// runs there stays.
	TaintCordoned = karmadaclusterv1alpha1.TaintClusterCordoned
	// TaintDraining (NoExecute) makes the failover controller move every
	// binding that does not tolerate it off the cluster.
	TaintDraining = karmadaclusterv1alpha1.TaintClusterDraining
)

// Cordon taints the named Cluster TaintCordoned:NoSchedule and reports
// whether it added the taint (false: the cluster was cordoned already).
func Cordon(ctx context.Context, c client.Client, name string, clk clock.PassiveClock) (bool, error) {
	return patchTaints(ctx, c, name, func(cl *karmadaclusterv1alpha1.Cluster) bool {
		return addTaint(cl, TaintCordoned, corev1.TaintEffectNoSchedule, clk.Now())
	})
}

// Uncordon removes the cordon and draining taints from the named Cluster
// and reports whether there was one.
func Uncordon(ctx context.Context, c client.Client, name string) (bool, error) {
	return patchTaints(ctx, c, name, func(cl *karmadaclusterv1alpha1.Cluster) bool {
		return removeTaints(cl, TaintCordoned, TaintDraining)
	})
}

// Start cordons the named Cluster and taints it TaintDraining:NoExecute, in
// one write, and reports which of the two taints it added.
func Start(ctx context.Context, c client.Client, name string, clk clock.PassiveClock) (cordoned, draining bool, err error) {
	_, err = patchTaints(ctx, c, name, func(cl *karmadaclusterv1alpha1.Cluster) bool {
		now := clk.Now()
		cordoned = addTaint(cl, TaintCordoned, corev1.TaintEffectNoSchedule, now)
		draining = addTaint(cl, TaintDraining, corev1.TaintEffectNoExecute, now)
		return cordoned || draining
	})
	return cordoned, draining, err
}

// patchTaints applies mutate to the named Cluster and, when it reports a
// change, writes spec.taints with an optimistic-lock merge patch, retrying
// from a fresh read on conflict so that concurrent taint writers (the
// cluster-status controller) are never overwritten. It reports whether the
// last attempt changed anything. Errors keep the API status, so a caller
// can tell a missing cluster (apierrors.IsNotFound).
func patchTaints(ctx context.Context, c client.Client, name string, mutate func(*karmadaclusterv1alpha1.Cluster) bool) (bool, error) {
	var changed bool
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cl := &karmadaclusterv1alpha1.Cluster{}
		if err := c.Get(ctx, client.ObjectKey{Name: name}, cl); err != nil {
			return err
		}
		before := cl.DeepCopy()
		if changed = mutate(cl); !changed {
			return nil
		}
		return c.Patch(ctx, cl, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
	})
	if err != nil {
		return false, fmt.Errorf("cluster %q: %w", name, err)
	}
	return changed, nil
}

// addTaint adds key:effect unless the cluster has it, and reports whether it
// did.
func addTaint(cl *karmadaclusterv1alpha1.Cluster, key string, effect corev1.TaintEffect, now time.Time) bool {
	for _, t := range cl.Spec.Taints {
		if t.Key == key && t.Effect == effect {
			return false
		}
	}
	added := metav1.NewTime(now)
	cl.Spec.Taints = append(cl.Spec.Taints, corev1.Taint{Key: key, Effect: effect, TimeAdded: &added})
	return true
}

// removeTaints removes every taint with one of keys, whatever its effect, and
// reports whether there was one.
func removeTaints(cl *karmadaclusterv1alpha1.Cluster, keys ...string) bool {
	kept := cl.Spec.Taints[:0:0]
	for _, t := range cl.Spec.Taints {
		drop := false
		for _, k := range keys {
			drop = drop || t.Key == k
		}
		if !drop {
			kept = append(kept, t)
		}
	}
	if len(kept) == len(cl.Spec.Taints) {
		return false
	}
	cl.Spec.Taints = kept
	return true
}

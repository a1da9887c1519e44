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

package execution

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

// informer watches the Kurator-managed objects of one resource in a member.
type informer struct {
	cache.SharedIndexInformer
	cancel  context.CancelFunc
	started time.Time
}

// watch sets the resources a Work needs watched (none releases it), starts
// missing informers and stops those no Work needs any more.
func (mc *memberClient) watch(work types.NamespacedName, gvrs []schema.GroupVersionResource) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.stopped {
		return
	}
	was, now := mc.uses[work], sets.New(gvrs...)
	if now.Len() == 0 {
		delete(mc.uses, work)
	} else {
		mc.uses[work] = now
	}
	for gvr := range now.Difference(was) {
		mc.watchers[gvr]++
		if _, ok := mc.informer[gvr]; !ok {
			mc.informer[gvr] = mc.startInformer(gvr)
		}
	}
	for gvr := range was.Difference(now) {
		if mc.watchers[gvr]--; mc.watchers[gvr] <= 0 {
			delete(mc.watchers, gvr)
			if inf, ok := mc.informer[gvr]; ok {
				inf.cancel()
				delete(mc.informer, gvr)
			}
		}
	}
}

// startInformer lists and watches the objects of one resource that carry
// the managed-by label and enqueues the Work each one names.
func (mc *memberClient) startInformer(gvr schema.GroupVersionResource) *informer {
	selector := workv1alpha1.ManagedByLabel + "=" + workv1alpha1.ManagedByKurator
	inf := dynamicinformer.NewFilteredDynamicInformer(mc.watcher, gvr, metav1.NamespaceAll, 0,
		cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc},
		func(o *metav1.ListOptions) { o.LabelSelector = selector }).Informer()
	onEvent := func(obj any) {
		if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = tomb.Obj
		}
		if u, ok := obj.(*unstructured.Unstructured); ok {
			if work, ok := workOf(u); ok {
				mc.enqueue(work)
			}
		}
	}
	_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    onEvent,
		UpdateFunc: func(_, obj any) { onEvent(obj) },
		DeleteFunc: onEvent,
	})
	log := mc.log.WithValues("resource", gvr.String())
	_ = inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
		log.V(2).Info("Watch of member objects failed", "err", err.Error())
	})
	ctx, cancel := context.WithCancel(context.Background())
	go inf.RunWithContext(ctx)
	return &informer{SharedIndexInformer: inf, cancel: cancel, started: mc.clock.Now()}
}

// stopAll stops every informer of the member for good.
func (mc *memberClient) stopAll() {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	mc.stopped = true
	for gvr, inf := range mc.informer {
		inf.cancel()
		delete(mc.informer, gvr)
	}
	clear(mc.uses)
	clear(mc.watchers)
}

// synced reports whether the informers of gvrs have listed. It waits for
// an informer at most timeout after the informer started, so one that
// cannot list (no permission, say) does not stall every reconcile.
func (mc *memberClient) synced(ctx context.Context, gvrs []schema.GroupVersionResource, timeout time.Duration) bool {
	var pending []cache.InformerSynced
	var deadline time.Time
	mc.mu.Lock()
	for _, gvr := range gvrs {
		inf, ok := mc.informer[gvr]
		if !ok {
			mc.mu.Unlock()
			return false
		}
		if !inf.HasSynced() {
			pending = append(pending, inf.HasSynced)
			deadline = latest(deadline, inf.started.Add(timeout))
		}
	}
	mc.mu.Unlock()
	if len(pending) == 0 {
		return true
	}
	wait := deadline.Sub(mc.clock.Now())
	if wait <= 0 {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	return cache.WaitForCacheSync(ctx.Done(), pending...)
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// cached returns a managed object from the informer cache; false when it
// is absent or the informer has not listed yet.
func (mc *memberClient) cached(gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, bool) {
	mc.mu.Lock()
	inf, ok := mc.informer[gvr]
	mc.mu.Unlock()
	if !ok || !inf.HasSynced() {
		return nil, false
	}
	key := name
	if namespace != "" {
		key = namespace + "/" + name
	}
	obj, exists, err := inf.GetIndexer().GetByKey(key)
	if err != nil || !exists {
		return nil, false
	}
	u, ok := obj.(*unstructured.Unstructured)
	return u, ok
}

// workOf returns the Work a member object names in its annotation.
func workOf(obj metav1.Object) (types.NamespacedName, bool) {
	ns, name, ok := splitKey(obj.GetAnnotations()[workv1alpha1.WorkAnnotation])
	return types.NamespacedName{Namespace: ns, Name: name}, ok
}

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

package ha_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
)

// writer churns ConfigMap templates in one namespace — creates, updates and
// deletes — retrying each operation until the control plane acknowledges it,
// as any client with retries does. It remembers what was acknowledged, so
// the end state can be checked: nothing acknowledged may be lost.
type writer struct {
	c  client.Client
	ns string

	mu      sync.Mutex
	want    map[string]string // name → acknowledged value; absent: deleted or never made
	deleted map[string]bool
	// uncertain names an operation cut short when the writer stopped: it
	// may or may not have landed, so the control plane's word is final.
	uncertain map[string]bool
	failures  int // attempts that failed and were retried
	ops       int
	errs      []string // the first failures, with when they happened
}

func newWriter(c client.Client, ns string) *writer {
	return &writer{c: c, ns: ns, want: map[string]string{}, deleted: map[string]bool{}, uncertain: map[string]bool{}}
}

// duplicateToMembers propagates every ConfigMap of the namespace to both members.
func duplicateToMembers(ctx context.Context, c client.Client, ns string) error {
	return c.Create(ctx, &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "all-configmaps"},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "v1", Kind: "ConfigMap"}},
			Placement:         policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"east", "west"}}},
		},
	})
}

// run performs one operation every interval until ctx ends: step i creates
// cm-i, updates an earlier one, and every fifth step deletes one.
func (w *writer) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		name := "cm-" + strconv.Itoa(i)
		w.retry(ctx, name, func(ctx context.Context) error { return w.create(ctx, name, "v0") })
		if i > 0 {
			target := "cm-" + strconv.Itoa(i/2)
			w.retry(ctx, target, func(ctx context.Context) error { return w.update(ctx, target, "v"+strconv.Itoa(i)) })
		}
		if i > 0 && i%5 == 0 {
			target := "cm-" + strconv.Itoa(i-3)
			w.retry(ctx, target, func(ctx context.Context) error { return w.delete(ctx, target) })
		}
	}
}

// retry runs op on the template name until it succeeds or ctx ends,
// counting failed attempts.
func (w *writer) retry(ctx context.Context, name string, op func(context.Context) error) {
	for ctx.Err() == nil {
		octx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := op(octx)
		cancel()
		if ctx.Err() != nil {
			// Stopped mid-operation: the request may have landed after
			// its answer was cut off.
			w.mu.Lock()
			w.uncertain[name] = true
			w.mu.Unlock()
			return
		}
		w.mu.Lock()
		w.ops++
		if err != nil {
			w.failures++
			if len(w.errs) < 10 {
				w.errs = append(w.errs, time.Now().Format("15:04:05.000")+" "+err.Error())
			}
		}
		w.mu.Unlock()
		if err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (w *writer) create(ctx context.Context, name, value string) error {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: w.ns, Name: name}, Data: map[string]string{"v": value}}
	err := w.c.Create(ctx, cm)
	if apierrors.IsAlreadyExists(err) {
		// An attempt whose answer was lost may have landed: read it back.
		err = w.c.Get(ctx, client.ObjectKeyFromObject(cm), cm)
		if err == nil && cm.Data["v"] != value {
			return fmt.Errorf("%s exists with %q, want %q", name, cm.Data["v"], value)
		}
	}
	if err == nil {
		w.ack(name, value)
	}
	return err
}

func (w *writer) update(ctx context.Context, name, value string) error {
	w.mu.Lock()
	_, live := w.want[name]
	w.mu.Unlock()
	if !live {
		return nil
	}
	// Kurator's controllers label templates too: a conflict is ordinary
	// concurrency, not unavailability.
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cm := &corev1.ConfigMap{}
		if err := w.c.Get(ctx, client.ObjectKey{Namespace: w.ns, Name: name}, cm); err != nil {
			return err
		}
		cm.Data = map[string]string{"v": value}
		return w.c.Update(ctx, cm)
	})
	if err != nil {
		return err
	}
	w.ack(name, value)
	return nil
}

func (w *writer) delete(ctx context.Context, name string) error {
	err := w.c.Delete(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: w.ns, Name: name}})
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	w.mu.Lock()
	delete(w.want, name)
	w.deleted[name] = true
	w.mu.Unlock()
	return nil
}

func (w *writer) ack(name, value string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.deleted[name] {
		w.want[name] = value
	}
}

// failed lists the first failed attempts.
func (w *writer) failed() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.errs...)
}

// outcome is what the writer knows once it has stopped.
type outcome struct {
	want      map[string]string // acknowledged values of live templates
	deleted   []string          // acknowledged deletes
	uncertain []string          // templates whose last operation was cut short
	ops       int
	failures  int
}

// snapshot returns what was acknowledged, leaving out the templates whose
// last operation has no verdict.
func (w *writer) snapshot() outcome {
	w.mu.Lock()
	defer w.mu.Unlock()
	o := outcome{want: make(map[string]string, len(w.want)), ops: w.ops, failures: w.failures}
	for k, v := range w.want {
		if !w.uncertain[k] {
			o.want[k] = v
		}
	}
	for k := range w.deleted {
		if !w.uncertain[k] {
			o.deleted = append(o.deleted, k)
		}
	}
	for k := range w.uncertain {
		o.uncertain = append(o.uncertain, k)
	}
	return o
}

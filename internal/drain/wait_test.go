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

package drain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// progressLog records what Wait reports.
type progressLog []string

func (p *progressLog) report(cluster string, left int) {
	*p = append(*p, fmt.Sprintf("%s=%d", cluster, left))
}

// TestWaitFollowsTheEvictions plays the failover controller: each time the
// bindings are listed, one more step of the move is done. A copy kept by a
// graceful eviction task is still on the cluster.
func TestWaitFollowsTheEvictions(t *testing.T) {
	base := opsClient(testCluster("hz"), testCluster("sh"), rb("default", "nginx-deployment", "hz", "sh"), rb("default", "web-deployment", "hz"),
		rb("default", "api-deployment", "sh"))
	never := rb("default", "db-statefulset", "sh")
	never.Spec.GracefulEvictionTasks = []workv1alpha2.GracefulEvictionTask{{FromCluster: "hz", PurgeMode: policyv1alpha1.PurgeModeNever, Reason: "TaintUntolerated", Producer: "test"}}
	if err := base.Create(context.Background(), never); err != nil {
		t.Fatal(err)
	}
	steps := []func(ctx context.Context, c client.Client) error{
		func(context.Context, client.Client) error { return nil }, // the count before the wait
		func(ctx context.Context, c client.Client) error { // nginx: evicted, old copy kept
			return moveOff(ctx, c, "nginx-deployment", true)
		},
		func(ctx context.Context, c client.Client) error { // web: evicted directly
			return moveOff(ctx, c, "web-deployment", false)
		},
		func(context.Context, client.Client) error { return nil }, // nothing happens for a while
		func(ctx context.Context, c client.Client) error { // nginx: replacement healthy
			b := &workv1alpha2.ResourceBinding{}
			if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "nginx-deployment"}, b); err != nil {
				return err
			}
			b.Spec.GracefulEvictionTasks = nil
			return c.Update(ctx, b)
		},
	}
	lists := 0
	c := interceptor.NewClient(base, interceptor.Funcs{
		List: func(ctx context.Context, cl client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			if _, ok := list.(*workv1alpha2.ResourceBindingList); ok {
				if lists >= len(steps) {
					t.Fatalf("listed %d times after the drain completed", lists-len(steps)+1)
				}
				if err := steps[lists](ctx, cl); err != nil {
					return err
				}
				lists++
			}
			return cl.List(ctx, list, opts...)
		},
	})
	ctx := context.Background()
	state, err := Bindings(ctx, c, []string{"hz"})
	if err != nil {
		t.Fatal(err)
	}
	var progress progressLog
	if err := Wait(ctx, c, []string{"hz"}, state, WaitOptions{Interval: time.Millisecond, Timeout: time.Minute, Progress: progress.report}); err != nil {
		t.Fatalf("%v\n%v", err, progress)
	}
	if d := cmp.Diff(progressLog{"hz=2", "hz=1", "hz=0"}, progress); d != "" {
		t.Fatalf("progress, reported once per change (-want +got):\n%s", d)
	}
	if lists != len(steps) {
		t.Fatalf("listed %d times, want %d", lists, len(steps))
	}
}

func moveOff(ctx context.Context, c client.Client, name string, graceful bool) error {
	b := &workv1alpha2.ResourceBinding{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: name}, b); err != nil {
		return err
	}
	var kept []workv1alpha2.TargetCluster
	for _, t := range b.Spec.Clusters {
		if t.Name != "hz" {
			kept = append(kept, t)
		}
	}
	b.Spec.Clusters = append(kept, workv1alpha2.TargetCluster{Name: "sh", Replicas: 1})
	if graceful {
		b.Spec.GracefulEvictionTasks = append(b.Spec.GracefulEvictionTasks, workv1alpha2.GracefulEvictionTask{
			FromCluster: "hz", PurgeMode: policyv1alpha1.PurgeModeGracefully, Reason: "TaintUntolerated", Producer: "test"})
	}
	return c.Update(ctx, b)
}

func TestWaitOfDrainedClustersReturnsAtOnce(t *testing.T) {
	c := opsClient(testCluster("hz"), testCluster("sh"), rb("default", "api-deployment", "sh"))
	state, err := Bindings(context.Background(), c, []string{"hz"})
	if err != nil {
		t.Fatal(err)
	}
	var progress progressLog
	if err := Wait(context.Background(), c, []string{"hz"}, state, WaitOptions{Interval: time.Hour, Timeout: time.Hour, Progress: progress.report}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(progressLog{"hz=0"}, progress); d != "" {
		t.Fatalf("progress (-want +got):\n%s", d)
	}
}

func TestWaitTimesOut(t *testing.T) {
	c := opsClient(drainFixture()...)
	state, err := Bindings(context.Background(), c, []string{"hz"})
	if err != nil {
		t.Fatal(err)
	}
	var progress progressLog
	err = Wait(context.Background(), c, []string{"hz"}, state, WaitOptions{Interval: time.Millisecond, Timeout: 20 * time.Millisecond, Progress: progress.report})
	var timeout *TimeoutError
	if !errors.As(err, &timeout) {
		t.Fatalf("error %v, want a timeout", err)
	}
	for _, want := range []string{"timed out after 20ms", "4 bindings left on hz", "admin-clusterrole", "default/cache-statefulset", "default/nginx-deployment", "shop/web-deployment"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "agent-daemonset") {
		t.Errorf("a binding that tolerates the drain is waited for: %v", err)
	}
	if d := cmp.Diff(progressLog{"hz=4"}, progress); d != "" {
		t.Fatalf("progress should be reported once per change (-want +got):\n%s", d)
	}
}

func TestWaitEndsWithItsContext(t *testing.T) {
	c := opsClient(drainFixture()...)
	state, err := Bindings(context.Background(), c, []string{"hz"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = Wait(ctx, c, []string{"hz"}, state, WaitOptions{Interval: time.Millisecond, Timeout: time.Minute})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

func TestWaitTimeoutNamesTheLastError(t *testing.T) {
	base := opsClient(drainFixture()...)
	state, err := Bindings(context.Background(), base, []string{"hz"})
	if err != nil {
		t.Fatal(err)
	}
	c := interceptor.NewClient(base, interceptor.Funcs{
		List: func(context.Context, client.WithWatch, client.ObjectList, ...client.ListOption) error {
			return errors.New("connection refused")
		},
	})
	err = Wait(context.Background(), c, []string{"hz"}, state, WaitOptions{Interval: time.Millisecond, Timeout: 20 * time.Millisecond})
	var timeout *TimeoutError
	if !errors.As(err, &timeout) || !strings.Contains(err.Error(), "4 bindings left on hz") ||
		!strings.Contains(err.Error(), "(last error: list resource bindings: connection refused)") {
		t.Fatalf("error %v, want a timeout with the bindings last seen and the last error", err)
	}
}

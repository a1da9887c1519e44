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
package bench

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/internal/pprof"
	"kurator.dev/kurator/internal/scheme"
	"kurator.dev/kurator/test/framework"
)

// fastClient is a control-plane client without client-side rate limits, so
// the benchmark measures Kurator, not its own client.
func fastClient(b *testing.B, f *framework.Fleet) client.Client {
	cfg, err := clientcmd.BuildConfigFromFlags("", f.Layout().ClusterKubeconfig(localfleet.ControlPlaneName))
	if err != nil {
		b.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 5000, 10000
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// seen records when objects of a namespace first appear in members.
type seen struct {
	mu    sync.Mutex
	first map[string]map[string]time.Time // name -> cluster -> time
}

func watchMembers(b *testing.B, ctx context.Context, f *framework.Fleet, ns string, clusters []string, kind string) *seen {
	s := &seen{first: map[string]map[string]time.Time{}}
	for _, cluster := range clusters {
		cs, err := f.Member(cluster)
		if err != nil {
			b.Fatal(err)
		}
		factory := informers.NewSharedInformerFactoryWithOptions(cs.(*kubernetes.Clientset), 0, informers.WithNamespace(ns))
		var inf toolscache.SharedIndexInformer
		if kind == "ConfigMap" {
			inf = factory.Core().V1().ConfigMaps().Informer()
		} else {
			inf = factory.Apps().V1().Deployments().Informer()
		}
		if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{AddFunc: func(obj any) {
			o, ok := obj.(metav1.Object)
			if !ok {
				return
			}
			now := time.Now()
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.first[o.GetName()] == nil {
				s.first[o.GetName()] = map[string]time.Time{}
			}
			if _, ok := s.first[o.GetName()][cluster]; !ok {
				s.first[o.GetName()][cluster] = now
			}
		}}); err != nil {
			b.Fatal(err)
		}
		factory.Start(ctx.Done())
		factory.WaitForCacheSync(ctx.Done())
	}
	return s
}

// complete counts names present in every cluster, and returns the time the
// last of them arrived per name.
func (s *seen) complete(names []string, clusters int) (int, map[string]time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	done, last := 0, map[string]time.Time{}
	for _, n := range names {
		if len(s.first[n]) == clusters {
			done++
			for _, t := range s.first[n] {
				if t.After(last[n]) {
					last[n] = t
				}
			}
		}
	}
	return done, last
}

func startFleet(b *testing.B) (*framework.Fleet, context.Context) {
	ctrllog.SetLogger(logr.Discard())
	ctx := b.Context()
	f, err := framework.Start(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		dumpControlPlaneMetrics(b, f)
		_ = f.Stop()
	})
	return f, ctx
}

// dumpControlPlaneMetrics saves the control-plane API server's /metrics
// (request counts by resource and verb) next to the profiles when the
// developer profiles a run with KURATOR_PPROF_DIR.
func dumpControlPlaneMetrics(b *testing.B, f *framework.Fleet) {
	dir := os.Getenv(pprof.DirEnv)
	if dir == "" {
		return
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", f.Layout().ClusterKubeconfig(localfleet.ControlPlaneName))
	if err != nil {
		b.Log(err)
		return
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		b.Log(err)
		return
	}
	raw, err := cs.RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	if err != nil {
		b.Log(err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, "apiserver.metrics"), raw, 0o600); err != nil {
		b.Log(err)
	}
}

func createNamespace(b *testing.B, ctx context.Context, c client.Client, ns string) {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		b.Fatal(err)
	}
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return s[i]
}

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

package metricsprovider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

// answers replies to queries by a substring of the query.
type answers map[string][]Sample

func (a answers) Query(_ context.Context, q string, _ time.Time) ([]Sample, error) {
	switch {
	case strings.Contains(q, "histogram_quantile"):
		return a["p99"], nil
	case strings.Contains(q, `response_code=~"5.."`):
		return a["failed"], nil
	default:
		return a["total"], nil
	}
}
func (answers) String() string { return "test" }

func TestWorkloadSLIs(t *testing.T) {
	g := NewWithT(t)
	c := func(name string, v float64) Sample {
		return Sample{Labels: map[string]string{"cluster": name}, Value: v}
	}
	slis, err := WorkloadSLIs(context.Background(), answers{
		"total":  {c("a", 100), c("b", 50), c("idle", 0)},
		"failed": {c("a", 2)},
		"p99":    {c("a", 64), c("b", 300)},
	}, Workload{Namespace: "prod", Name: "reviews"}, 30*time.Second, time.Now())
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(slis).To(HaveLen(2), "a cluster that served nothing is absent")
	g.Expect(slis["a"].SuccessRate).To(BeNumerically("~", 98, 1e-9))
	g.Expect(slis["a"].P99LatencyMs).To(Equal(64.0))
	g.Expect(slis["b"]).To(Equal(SLI{RPS: 50, SuccessRate: 100, P99LatencyMs: 300}))
}

func TestNoProviderSaysWhatToDo(t *testing.T) {
	_, err := WorkloadSLIs(context.Background(), None{}, Workload{}, time.Minute, time.Now())
	NewWithT(t).Expect(errors.Is(err, ErrNotConfigured)).To(BeTrue())
	NewWithT(t).Expect(err.Error()).To(ContainSubstring("kurator up --prometheus"))
}

func TestNewPrometheusAddress(t *testing.T) {
	g := NewWithT(t)
	_, err := NewPrometheus("127.0.0.1:9090")
	g.Expect(err).To(MatchError(ContainSubstring("want http[s]://host:port")))
	p, err := NewPrometheus("http://user:secret@127.0.0.1:9090")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(p.String()).NotTo(ContainSubstring("secret"), "credentials never show")
}

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

// Package metricsprovider is how Kurator reads workload metrics: a small
// Provider interface, implemented for Prometheus's HTTP API, and the
// service-level indicators (success rate, P99 latency) that traffic weights,
// rollout analysis and autoscaling share. Another backend implements
// Provider and everything above it works unchanged.
package metricsprovider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// Sample is one series of an instant query's result.
type Sample struct {
	Labels map[string]string
	Value  float64
}

// Provider evaluates instant queries.
type Provider interface {
	// Query evaluates a PromQL expression at the given time.
	Query(ctx context.Context, query string, at time.Time) ([]Sample, error)
	// String names the backend for conditions and logs (no credentials).
	String() string
}

// ErrNotConfigured is returned by the provider used when no backend is set.
var ErrNotConfigured = errors.New("no metrics provider is configured (start the local fleet with 'kurator up --prometheus', or give the controller-manager --prometheus-url)")

// None is the provider of a control plane without metrics.
type None struct{}

func (None) Query(context.Context, string, time.Time) ([]Sample, error) { return nil, ErrNotConfigured }
func (None) String() string                                             { return "none" }

// Prometheus reads a Prometheus server's HTTP API.
type Prometheus struct {
	api  promv1.API
	addr string
}

// NewPrometheus returns a provider for the server at address (http[s]://host:port).
func NewPrometheus(address string) (*Prometheus, error) {
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("prometheus address %q: want http[s]://host:port", address)
	}
	client, err := api.NewClient(api.Config{Address: address})
	if err != nil {
		return nil, err
	}
	// The address is shown without any user info it might carry.
	u.User = nil
	return &Prometheus{api: promv1.NewAPI(client), addr: u.String()}, nil
}

func (p *Prometheus) String() string { return "prometheus at " + p.addr }

// Query evaluates query at the given time; a result that is not a vector is
// an error, as are NaN and infinite values, which are dropped.
func (p *Prometheus) Query(ctx context.Context, query string, at time.Time) ([]Sample, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	v, _, err := p.api.Query(ctx, query, at)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	vec, ok := v.(model.Vector)
	if !ok {
		return nil, fmt.Errorf("%s: query returned %s, want a vector", p, v.Type())
	}
	out := make([]Sample, 0, len(vec))
	for _, s := range vec {
		f := float64(s.Value)
		if f != f || f > 1e308 || f < -1e308 {
			continue
		}
		l := make(map[string]string, len(s.Metric))
		for k, v := range s.Metric {
			l[string(k)] = string(v)
		}
		out = append(out, Sample{Labels: l, Value: f})
	}
	return out, nil
}

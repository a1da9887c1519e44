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

package localfleet

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"sigs.k8s.io/yaml"

	"kurator.dev/kurator/internal/localcluster"
)

// PrometheusBinary is the Prometheus server the local fleet runs for
// 'kurator up --prometheus': the Debian package's, found on PATH.
const PrometheusBinary = "prometheus"

// PrometheusState records the local fleet's Prometheus once enabled: it
// stays enabled for later 'kurator up' runs.
type PrometheusState struct {
	Port int `json:"port"`
	// ControllerManagerMetrics are the controller-managers' metrics ports,
	// in controllerManagerProcesses' order, scraped for the control
	// plane's own series (an IntelligentScheduler's spend history).
	ControllerManagerMetrics []int `json:"controllerManagerMetricsPorts,omitempty"`
}

// URL is where the Prometheus HTTP API answers.
func (p PrometheusState) URL() string { return "http://127.0.0.1:" + strconv.Itoa(p.Port) }

// scrapeInterval is short so that traffic weights can react within seconds
// (a breach is seen after two windows of a 30 s rate).
const scrapeInterval = "5s"

func (l Layout) prometheusDir() string { return filepath.Join(l.Dir, "prometheus") }

// PrometheusDataDir is where Prometheus keeps its TSDB (blocks backfilled
// there with promtool are loaded when it starts).
func (l Layout) PrometheusDataDir() string { return filepath.Join(l.prometheusDir(), "data") }

// prometheusConfig scrapes every member's workload metrics and the
// controller-managers' own.
func prometheusConfig(s *State) ([]byte, error) {
	var targets []map[string]any
	for _, c := range s.Clusters {
		if c.Role != localcluster.RoleMember {
			continue
		}
		targets = append(targets, map[string]any{
			"targets": []string{"127.0.0.1:" + strconv.Itoa(c.MetricsPort)},
			"labels":  map[string]string{"member": c.Name},
		})
	}
	jobs := []any{map[string]any{
		"job_name":       "kurator-members",
		"honor_labels":   true,
		"static_configs": targets,
	}}
	if ports := s.Prometheus.ControllerManagerMetrics; len(ports) > 0 {
		var cms []string
		for _, p := range ports {
			cms = append(cms, "127.0.0.1:"+strconv.Itoa(p))
		}
		jobs = append(jobs, map[string]any{
			"job_name":       "kurator-controller-manager",
			"static_configs": []any{map[string]any{"targets": cms}},
		})
	}
	return yaml.Marshal(map[string]any{
		"global":         map[string]any{"scrape_interval": scrapeInterval, "evaluation_interval": scrapeInterval},
		"scrape_configs": jobs,
	})
}

func (f *Fleet) prometheusProcess(s *State, bin string) process {
	dir := f.layout.prometheusDir()
	return process{
		Name:   "prometheus",
		Binary: bin,
		Args: []string{
			"--config.file=" + filepath.Join(dir, "prometheus.yml"),
			"--storage.tsdb.path=" + f.layout.PrometheusDataDir(),
			"--storage.tsdb.retention.time=7d",
			"--web.listen-address=127.0.0.1:" + strconv.Itoa(s.Prometheus.Port),
		},
		PIDFile: filepath.Join(dir, "prometheus.pid"),
		LogFile: filepath.Join(dir, "prometheus.log"),
	}
}

// findPrometheus says clearly what is missing when the binary is not there.
func findPrometheus() (string, error) {
	path, err := exec.LookPath(PrometheusBinary)
	if err != nil {
		return "", fmt.Errorf("--prometheus needs the %q binary on PATH (Debian: apt-get install prometheus; 'make test' installs it): %w", PrometheusBinary, err)
	}
	return path, nil
}

// enablePrometheus records a port for Prometheus in a fleet that has none.
func (f *Fleet) enablePrometheus(s *State) error {
	if s.Prometheus != nil {
		return nil
	}
	ports, err := freePorts(1 + len(controllerManagerHealthPorts(s)))
	if err != nil {
		return err
	}
	s.Prometheus = &PrometheusState{Port: ports[0], ControllerManagerMetrics: ports[1:]}
	return f.layout.save(s)
}

func (f *Fleet) startPrometheus(ctx context.Context, s *State, bin string) error {
	if err := checkPortFree(s.Prometheus.Port, "prometheus"); err != nil {
		return err
	}
	dir := f.layout.prometheusDir()
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		return err
	}
	cfg, err := prometheusConfig(s)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), cfg, 0o600); err != nil {
		return err
	}
	p := f.prometheusProcess(s, bin)
	exited, err := p.start(f.opts.DieWithParent)
	if err != nil {
		return err
	}
	url := s.Prometheus.URL() + "/-/ready"
	return waitHealthy(ctx, p, exited, f.opts.ReadyTimeout, func(ctx context.Context) error { return probeHTTP(ctx, url) })
}

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

package metricsapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/utils/clock"
)

// Options configure a Server.
type Options struct {
	// Source reports the usage served.
	Source Source
	// Pods and Nodes give the labels that label selectors match. Usage of an
	// object they do not know (deleted meanwhile) is not served.
	Pods  corelisters.PodLister
	Nodes corelisters.NodeLister
	// ClientCAs verify client certificates: in a cluster, the front-proxy CA,
	// so that only kube-apiserver (which has authorised the user) can read.
	ClientCAs *x509.CertPool
	// AllowedNames are the client certificate common names accepted; empty
	// accepts any certificate the ClientCAs signed.
	AllowedNames []string
	// Clock stamps the objects' creation time; the real clock when nil.
	Clock clock.PassiveClock
}

// Server serves metrics.k8s.io/v1beta1 the way the aggregation layer expects
// of an aggregated API server: discovery, and get/list of node and pod
// metrics. Authorisation is kube-apiserver's: it only proxies requests it
// allowed, and this server only answers kube-apiserver.
type Server struct {
	opts Options
}

// NewServer returns a server; serve it with Serve, or use it as an
// http.Handler behind a TLS listener that asks for client certificates.
func NewServer(o Options) *Server {
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	return &Server{opts: o}
}

// TLSConfig asks clients for a certificate and verifies it against the
// ClientCAs; ServeHTTP then refuses requests without a valid one, except
// health checks.
func (s *Server) TLSConfig(serving tls.Certificate) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{serving},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    s.opts.ClientCAs,
		MinVersion:   tls.VersionTLS12,
	}
}

// Serve answers HTTPS on l until ctx ends.
func (s *Server) Serve(ctx context.Context, l net.Listener, serving tls.Certificate) error {
	log := logr.FromContextOrDiscard(ctx)
	srv := &http.Server{
		Handler:           s,
		TLSConfig:         s.TLSConfig(serving),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			log.Info("Metrics API server did not shut down cleanly", "err", err.Error())
		}
	}()
	err := srv.ServeTLS(l, "", "")
	if errors.Is(err, http.ErrServerClosed) {
		<-stopped
		return nil
	}
	return err
}

// authenticate returns an error to answer with unless the request came with
// a verified client certificate of an allowed name.
func (s *Server) authenticate(r *http.Request) *apierrors.StatusError {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return apierrors.NewUnauthorized("a client certificate signed by the front-proxy CA is required")
	}
	name := r.TLS.VerifiedChains[0][0].Subject.CommonName
	if len(s.opts.AllowedNames) > 0 && !slices.Contains(s.opts.AllowedNames, name) {
		return apierrors.NewForbidden(groupResource("metrics"), "", errors.New("client certificate common name "+name+" is not allowed"))
	}
	return nil
}

// writeStatus answers with a Kubernetes Status object.
func writeStatus(w http.ResponseWriter, err *apierrors.StatusError) {
	status := err.Status()
	status.TypeMeta = metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}
	writeJSON(w, int(status.Code), &status)
}

func writeJSON(w http.ResponseWriter, code int, obj any) {
	data, err := json.Marshal(obj)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(data)
}

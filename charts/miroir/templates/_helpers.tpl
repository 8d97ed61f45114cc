{{/* The chart's name and the release's full name (prefix of every object). */}}
{{- define "miroir.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "miroir.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Every component, in a fixed order; the ones with a database; the ones serving gRPC. */}}
{{- define "miroir.allComponents" -}}
gateway identity reports publications dialogue notifications transparency
{{- end -}}
{{- define "miroir.databaseComponents" -}}
identity reports publications dialogue notifications transparency
{{- end -}}

{{/* Is component (list $ name) enabled? "true" or "". */}}
{{- define "miroir.enabled" -}}
{{- $root := index . 0 -}}
{{- $c := index $root.Values.components (index . 1) -}}
{{- if and $c $c.enabled -}}true{{- end -}}
{{- end -}}

{{/* A component's settings: .Values.defaults overridden by .Values.components.<name>, as YAML (use fromYaml). */}}
{{- define "miroir.settings" -}}
{{- $root := index . 0 -}}
{{- $own := index $root.Values.components (index . 1) | default dict -}}
{{- toYaml (mergeOverwrite (deepCopy $root.Values.defaults) (deepCopy $own)) -}}
{{- end -}}

{{- define "miroir.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object; selector labels of a component ((list $ name)). */}}
{{- define "miroir.labels" -}}
helm.sh/chart: {{ include "miroir.chart" . }}
app.kubernetes.io/name: {{ include "miroir.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: miroir
{{- end -}}

{{- define "miroir.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "miroir.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Labels that select every pod of this release (deployments and migration jobs). */}}
{{- define "miroir.instanceLabels" -}}
app.kubernetes.io/name: {{ include "miroir.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "miroir.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Object names. */}}
{{- define "miroir.componentName" -}}
{{- printf "%s-%s" (include "miroir.fullname" (index . 0)) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "miroir.configName" -}}
{{- printf "%s-config" (include "miroir.fullname" .) -}}
{{- end -}}
{{- define "miroir.clusterName" -}}
{{- printf "%s-%s-db" (include "miroir.fullname" (index . 0)) (index . 1) -}}
{{- end -}}

{{/* The NATS client URL. */}}
{{- define "miroir.natsUrl" -}}
{{- if .Values.bus.url -}}
{{- .Values.bus.url -}}
{{- else if .Values.nats.enabled -}}
{{- printf "nats://%s:4222" (include "miroir.natsFullname" .) -}}
{{- else -}}
nats://nats:4222
{{- end -}}
{{- end -}}

{{/* The NATS subchart's full name (its own naming rule). */}}
{{- define "miroir.natsFullname" -}}
{{- if .Values.nats.fullnameOverride -}}
{{- .Values.nats.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default "nats" .Values.nats.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* MIROIR_DATABASE_URL of a component ((list $ name)), from the CloudNativePG app Secret or the external one. */}}
{{- define "miroir.databaseUrlEnv" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
- name: MIROIR_DATABASE_URL
  valueFrom:
    secretKeyRef:
{{- if eq $root.Values.postgresql.mode "cnpg" }}
      name: {{ include "miroir.clusterName" (list $root $name) }}-app
      key: uri
{{- else if eq $root.Values.postgresql.mode "external" }}
      name: {{ required "postgresql.external.existingSecret or secrets.existingSecret: the Secret holding the database URLs" (default $root.Values.secrets.existingSecret $root.Values.postgresql.external.existingSecret) }}
      key: {{ required (printf "postgresql.external.keys.%s" $name) (index $root.Values.postgresql.external.keys $name) }}
{{- else }}
{{- fail "postgresql.mode must be cnpg or external" }}
{{- end }}
{{- end -}}

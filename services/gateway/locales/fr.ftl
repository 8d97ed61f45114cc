# Miroir — textes du site en français (langue par défaut). Langage simple, phrases courtes.
site-name = Miroir
site-tagline = La commune et ses habitants se répondent, en public.
skip-to-content = Aller au contenu
nav-main = Navigation principale
nav-communes = Les communes
nav-account = Mon compte
nav-signin = Se connecter
nav-signup = Créer un compte
nav-signout = Se déconnecter
nav-admin = Administration
lang-switch = English
lang-switch-label = Read this page in English
footer-text = Miroir est un logiciel libre au service des communes et de leurs habitants.
footer-licence = Données publiques sous Licence Ouverte 2.0.
signed-in-as = Connecté : { $value }

landing-title = Les communes sur Miroir
landing-intro = Choisissez votre commune pour suivre ses projets, signaler un problème ou poser une question.
search-label = Rechercher une commune (nom ou code INSEE)
search-button = Rechercher
search-results = Résultats pour « { $value } »
no-commune = Aucune commune ne correspond.
commune-department = Département { $value }
more-communes = Communes suivantes

commune-title = { $value }
official-space = Espace officiel
official-space-intro = Ce que publie la mairie : projets, décisions, réponses officielles.
citizen-space = Espace citoyen
citizen-space-intro = Ce que font les habitants : signalements, propositions, questions.
collective = Collectif reconnu : { $value }
commitment = La mairie s'engage à répondre en { $value } jours au plus.
latest-reports = Derniers signalements
see-all-reports = Voir tous les signalements
official-answers = Réponses officielles
no-official-answer = Pas encore de réponse officielle.
official-publications = Publications
no-publication = Pas encore de publication.
see-citizen-space = Voir l'espace citoyen, qui lui répond
see-official-space = Voir l'espace officiel, qui lui répond
transparency = Transparence
transparency-title = Transparence : { $value }
transparency-intro = Ces chiffres sont calculés à partir de ce qui a été publié. Personne ne peut les retoucher.
figure-received = Signalements reçus
figure-acknowledged = Signalements pris en compte
figure-waiting = Signalements en attente de réponse
figure-answer-rate = Part des signalements pris en compte
figure-median = Délai médian avant prise en compte
figure-hours = { $value } h
figure-none = pas encore de donnée
figures-table = Les chiffres en tableau
figure = Indicateur
value = Valeur

reports-title = Signalements
reports-intro = Un problème dans la rue, un équipement abîmé ? Signalez-le : la mairie répond en public.
new-report = Signaler un problème
no-report = Aucun signalement pour l'instant.
reports-count = { $count ->
    [one] { $count } signalement
   *[other] { $count } signalements
}
next-page = Page suivante
status-new = Nouveau
status-acknowledged = Pris en compte
reported-on = Signalé le { $value }
status-is = État : { $value }
status-in-progress = En cours
status-resolved = Résolu
status-rejected = Refusé
status-label = État

report-form-title = Signaler un problème
report-form-intro = Le titre et le lieu sont obligatoires. Votre nom n'est pas affiché.
field-category = Catégorie
field-title = Titre
field-title-hint = Entre 3 et 120 caractères, par exemple « Nid-de-poule devant l'école ».
field-description = Description
field-latitude = Latitude
field-longitude = Longitude
field-location-hint = Position en degrés décimaux, par exemple 48.8566 et 2.3522 pour Paris.
field-address = Adresse (facultatif)
location-legend = Où est le problème ?
submit-report = Envoyer le signalement
category-voirie = Voirie
category-eclairage = Éclairage public
category-proprete = Propreté
category-securite = Sécurité
category-espaces-verts = Espaces verts
category-autre = Autre

report-timeline = Historique public
timeline-submitted = Signalement reçu
timeline-acknowledged = Réponse officielle de la mairie
timeline-in-progress = La mairie a commencé les travaux
timeline-resolved = La mairie indique que c'est réglé
timeline-rejected = La mairie ne donnera pas suite, et dit pourquoi
timeline-reopened = Rouvert par la personne qui l'a signalé
step-title = Étape suivante (mairie)
field-next-status = Nouvel état
field-step-message = Message public (obligatoire pour un refus : la raison)
step-button = Enregistrer l'étape
reopen-title = Le problème est revenu ?
field-reopen-message = Expliquez ce que vous constatez
reopen-button = Rouvrir le signalement
acknowledge-title = Répondre au nom de la mairie
field-message = Message public
acknowledge-button = Prendre en compte
location = Lieu
back-to-reports = Retour aux signalements

signup-title = Créer un compte
signup-intro = Un compte permet de suivre vos signalements et de participer. Vous pouvez utiliser un pseudonyme.
field-email = Adresse e-mail
field-password = Mot de passe
field-password-hint = Au moins 10 caractères. Une petite phrase est facile à retenir.
field-display-name = Nom affiché (un pseudonyme suffit)
field-commune = Votre commune (code INSEE, facultatif)
signup-button = Créer mon compte
have-account = Déjà un compte ? Se connecter
signin-title = Se connecter
signin-button = Se connecter
no-account = Pas encore de compte ? En créer un
forgot-password = Mot de passe oublié ?
signup-done = Votre compte est créé. Un lien de vérification vous est envoyé par e-mail.

account-title = Mon compte
account-email = Adresse e-mail : { $value }
account-verified = Adresse vérifiée
account-not-verified = Adresse pas encore vérifiée
account-roles = Mes rôles
role-in = { $value }
profile-title = Mon profil
profile-button = Enregistrer
profile-saved = Votre profil est enregistré.
export-title = Mes données
export-intro = Téléchargez tout ce que Miroir sait de votre compte, dans un fichier lisible (JSON).
export-button = Télécharger mes données
delete-title = Supprimer mon compte
delete-intro = Vos données personnelles seront effacées. Ce que vous avez publié reste visible, signé « compte supprimé ». C'est définitif.
delete-password = Votre mot de passe, pour confirmer
delete-button = Supprimer définitivement mon compte
deleted-done = Votre compte est supprimé et vos données personnelles effacées.
verify-done = Merci, votre adresse e-mail est vérifiée.

reset-title = Mot de passe oublié
reset-intro = Indiquez votre adresse e-mail : si un compte existe, un lien pour choisir un nouveau mot de passe vous est envoyé.
reset-request-button = Recevoir un lien
reset-sent = Si un compte existe pour cette adresse, un lien vous a été envoyé.
reset-new-password = Nouveau mot de passe
reset-button = Changer mon mot de passe
reset-done = Votre mot de passe est changé. Vous pouvez vous connecter.

admin-title = Administration : { $value }
roles-title = Rôles
grant-title = Donner un rôle
field-role = Rôle
field-department = Service (pour un agent, facultatif)
field-reason = Raison (publique pour les administrateurs)
grant-button = Donner le rôle
granted-done = Le rôle est donné.
role-history = Historique des rôles
history-granted = donné
history-revoked = retiré
history-by = par { $value }
no-history = Aucun changement de rôle.
clients-title = Clients d'intégration (informatique de la ville)
client-create-title = Créer un client
field-client-name = Nom du client
field-scopes = Autorisations
client-button = Créer le client
client-secret-once = Copiez ce secret maintenant : il ne sera plus jamais affiché.
client-revoke = Révoquer
client-revoked = révoqué
no-client = Aucun client d'intégration.
role-resident = Habitant
role-collective_member = Membre du collectif
role-collective_moderator = Modérateur du collectif
role-agent = Agent de la mairie
role-elected_official = Élu
role-commune_admin = Administrateur de la commune
role-operator = Opérateur national

error-title = Une erreur est survenue
error-not-found = Cette page n'existe pas.
error-forbidden = Vous n'avez pas accès à cette page.
error-signin-needed = Connectez-vous pour continuer.
error-unavailable = Le service est momentanément indisponible. Réessayez dans un instant.
error-internal = Un problème est survenu de notre côté. Réessayez plus tard.
error-csrf = Le formulaire a expiré. Rechargez la page et recommencez.
error-too-many = Trop d'envois en peu de temps. Patientez une minute.
form-errors-title = Le formulaire contient des erreurs :
back-home = Retour à l'accueil

month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

invalid-title = Le titre doit faire entre 3 et 120 caractères.
invalid-description = La description est trop longue (5 000 caractères au plus).
invalid-category = Choisissez une catégorie dans la liste.
invalid-location = Le lieu doit être en France : vérifiez la latitude et la longitude.
invalid-latitude = La latitude doit être un nombre, par exemple 48.8566.
invalid-longitude = La longitude doit être un nombre, par exemple 2.3522.
invalid-address = L'adresse est trop longue (200 caractères au plus).
invalid-email = Indiquez une adresse e-mail de la forme nom@exemple.fr.
invalid-password = Le mot de passe doit faire au moins 10 caractères et ne pas être trop courant.
invalid-new_password = Le mot de passe doit faire au moins 10 caractères et ne pas être trop courant.
invalid-display_name = Le nom affiché doit faire entre 2 et 60 caractères.
invalid-commune = Ce code INSEE ne correspond à aucune commune sur Miroir.
invalid-message = Le message est trop long (2 000 caractères au plus).
invalid-reason = La raison est trop longue (500 caractères au plus).
invalid-department = Le service ne s'indique que pour un agent.
invalid-scopes = Cochez au moins une autorisation.
wrong-credentials = Adresse e-mail ou mot de passe incorrect.
email-taken = Un compte utilise déjà cette adresse e-mail. Connectez-vous, ou choisissez « Mot de passe oublié ».
link-invalid = Ce lien n'est plus valable : il a déjà servi ou il a expiré.
account-not-found = Aucun compte n'utilise cette adresse e-mail.
invalid-step_message = Un refus doit dire pourquoi, en public (2 000 caractères au plus).
invalid-reopen_message = Le message est trop long (2 000 caractères au plus).

# Signalements : liste, carte, filtres
nav-queue = Signalements à traiter
status-merged = Fusionné avec un autre
timeline-assigned = La mairie a confié le signalement à un service
timeline-merged = Fusionné avec un signalement du même problème
photo-alt = Photo { $value } jointe au signalement
supports-count = { $count ->
    [0] Personne ne soutient encore ce signalement
    [one] { $count } personne soutient ce signalement
   *[other] { $count } personnes soutiennent ce signalement
}
filters-title = Filtrer les signalements
field-filter-status = État
filter-status-all = Tous les états
filter-status-open = En attente ou en cours
filter-category-all = Toutes les catégories
field-filter-department = Service de la mairie
field-filter-text = Mots à chercher (titre, description, adresse)
field-filter-from = Signalés à partir du
field-filter-to = Signalés jusqu'au
field-sort = Ordre
sort-newest = Les plus récents d'abord
sort-most-supported = Les plus soutenus d'abord
filter-button = Filtrer
filter-reset = Effacer les filtres
filter-area-on = Seuls les signalements de la zone choisie sur la carte sont affichés.
filter-area-off = Voir ceux de toute la commune
invalid-filter-status = Choisissez un état dans la liste.
invalid-filter-date = Indiquez une date au format jour, mois, année (par exemple 21/11/2026).
invalid-filter-area = La zone choisie sur la carte n'est pas valable : elle n'est pas prise en compte.
invalid-filter-sort = Choisissez un ordre dans la liste.
list-title = Liste des signalements
pager-label = Pages de la liste
first-page = Première page
map-title = Carte des signalements
map-list-hint = Chaque repère est un signalement de cette page de la liste. Déplacez la carte puis choisissez « Chercher dans cette zone ».
map-search-area = Chercher dans cette zone
map-zoom-in = Zoomer
map-zoom-out = Dézoomer
map-pick-hint = Vous pouvez aussi cliquer sur la carte à l'endroit du problème : la latitude et la longitude se remplissent.
map-pick-label = Carte pour choisir le lieu du problème
map-chosen-place = Lieu choisi
map-report-label = Carte du lieu du signalement

# Signalements : formulaire
report-form-anonymous = Sans compte, indiquez votre adresse e-mail : nous vous envoyons un lien pour confirmer le signalement. Vous avez un compte ?
field-category-choose = Choisissez une catégorie
field-choose = Choisissez
required-mark = (obligatoire)
questions-legend = Questions pour la catégorie « { $value } »
questions-hint = Répondez seulement aux questions de la catégorie choisie.
field-photos = Photos (facultatif)
field-photos-hint = Jusqu'à 5 photos, en JPEG, PNG ou WebP, 5 Mo chacune au plus. Les informations cachées dans les photos (lieu, appareil) sont effacées.
photos-dropped = Les photos choisies n'ont pas été gardées : choisissez-les de nouveau avant d'envoyer.
field-reporter-email = Votre adresse e-mail
field-reporter-email-hint = Pour confirmer le signalement. Elle n'est jamais affichée en public ; seule la mairie la voit.
submit-report-anyway = Envoyer quand même mon signalement
duplicates-title = Est-ce l'un de ces signalements ?
duplicates-intro = Des signalements de la même catégorie sont déjà ouverts à moins de 50 mètres. Si c'est le même problème, soutenez-le plutôt : la mairie voit combien de personnes sont concernées.
duplicates-otherwise = Ce n'est aucun d'eux ? Vérifiez le formulaire ci-dessous et envoyez votre signalement.
support-instead = Soutenir ce signalement
support-signin = Connectez-vous pour soutenir ce signalement
distance-metres = à { $value } m
check-email-title = Vérifiez vos e-mails
check-email-text = Votre signalement est enregistré. Nous vous avons envoyé un lien par e-mail : suivez-le pour confirmer votre adresse. Le signalement sera public ensuite.
report-verified-title = Signalement confirmé
report-verified-text = Merci, votre adresse est confirmée : votre signalement est maintenant public.
see-your-report = Voir votre signalement
invalid-photos = Les photos doivent être des images JPEG, PNG ou WebP.
invalid-photos-count = Vous pouvez joindre 5 photos au plus.
invalid-photos-size = Chaque photo doit faire 5 Mo au plus.
invalid-attribute-required = Répondez à la question « { $value } ».
invalid-attribute-number = La réponse à « { $value } » doit être un nombre.
invalid-email-needed = Indiquez votre adresse e-mail, ou connectez-vous.
invalid-reporter_email = Indiquez une adresse e-mail de la forme nom@exemple.fr.
error-too-large = Ce que vous avez envoyé est trop volumineux (photos trop lourdes ?).
error-bad-form = Le formulaire envoyé est illisible. Rechargez la page et recommencez.

# Signalements : page d'un signalement
report-department = Service : { $value }
report-not-verified = Ce signalement attend que la personne confirme son adresse e-mail : il n'est pas encore public.
report-merged-into = Ce signalement décrit le même problème qu'un autre : il a été fusionné avec lui.
report-merged-into-link = Voir le signalement suivi
report-photos = Photos
supports-title = Soutiens
support-button = Moi aussi, je suis concerné
you-support = Vous soutenez ce signalement.
you-reported = Vous avez fait ce signalement.
staff-title = Pour la mairie
staff-intro = Cette partie n'est visible que par les agents et administrateurs de la commune.
reporter-email = Adresse e-mail de la personne (jamais publique) : { $value }
assign-title = Service et agent
assigned-nobody = Confié à aucun service pour l'instant.
assigned-to = suivi par { $value }
field-assign-department = Service
field-assign-agent = Agent (facultatif)
field-assign-agent-hint = L'identifiant du compte de l'agent, ou son adresse e-mail (administrateurs seulement). Vide : tout le service.
assign-button = Attribuer
assign-to-me = Me l'attribuer
assign-lookup-admin-only = Seuls les administrateurs peuvent chercher un compte par son adresse e-mail : indiquez l'identifiant du compte.
invalid-agent = Cet agent n'est pas reconnu : indiquez l'identifiant de son compte.
invalid-assign-department = Le nom du service est trop long.
notes-title = Notes internes
notes-none = Aucune note interne.
notes-unavailable = Les notes internes ne peuvent pas être lues pour l'instant.
field-note = Nouvelle note (visible seulement par la mairie)
note-button = Ajouter la note
invalid-note = Écrivez la note (2 000 caractères au plus).
merge-title = Fusionner un doublon
merge-intro = Si ce signalement décrit le même problème qu'un autre, fusionnez-le avec celui que vous gardez : il sera fermé et ses soutiens passeront sur l'autre.
field-merge-into = Signalement gardé
field-merge-into-hint = Son identifiant, ou l'adresse de sa page.
field-merge-message = Message public (facultatif)
merge-button = Fusionner avec ce signalement
invalid-into = Indiquez un autre signalement de la commune : son identifiant ou l'adresse de sa page.
invalid-merge_message = Le message est trop long (2 000 caractères au plus).
you = vous
account-ref = le compte { $value }

# Signalements à traiter (agents)
queue-title = Signalements à traiter : { $value }
queue-intro = Cochez des signalements pour les prendre en compte ensemble, avec un même message public.
filter-mine = Seulement ceux qui me sont attribués
queue-list-title = Signalements
queue-empty = Aucun signalement ne correspond.
queue-caption = Signalements correspondant aux filtres
queue-select = Choisir
queue-select-one = Choisir « { $value } »
queue-submitted = Reçu le
queue-assignment = Service et agent
queue-not-verified = adresse non confirmée
field-bulk-message = Message public pour les signalements cochés
field-bulk-message-hint = Il s'affiche dans l'historique public de chacun.
bulk-acknowledge-button = Prendre en compte les signalements cochés
bulk-none-selected = Cochez au moins un signalement.
bulk-too-many = Cochez 100 signalements au plus à la fois.
bulk-result-title = Prise en compte des signalements cochés
bulk-done-count = { $count ->
    [0] Aucun signalement n'a été pris en compte.
    [one] { $count } signalement pris en compte :
   *[other] { $count } signalements pris en compte :
}
bulk-failed-count = { $count ->
    [one] { $count } signalement n'a pas pu être pris en compte :
   *[other] { $count } signalements n'ont pas pu être pris en compte :
}
bulk-failed-state = il a déjà été pris en compte, ou il est clos.
back-to-queue = Retour aux signalements à traiter

# Catégories (administrateurs)
admin-reports-title = Signalements
admin-categories-link = Catégories de signalements
categories-title = Catégories de signalements : { $value }
categories-intro = Les habitants choisissent une catégorie en signalant un problème. Chaque catégorie peut être confiée à un service et poser des questions en plus.
categories-list-title = Les catégories
categories-none = Aucune catégorie.
categories-questions = Questions
categories-actions = Actions
category-active = en service
category-retired = retirée
category-edit = Modifier
category-form-new = Nouvelle catégorie
category-form-edit = Modifier la catégorie
category-form-new-link = Créer plutôt une nouvelle catégorie
field-category-code = Code
field-category-code-hint = De 1 à 64 caractères : lettres minuscules sans accent, chiffres, - et _. Un code existant remplace cette catégorie.
field-category-name = Nom
field-category-description = Description
field-category-department = Service de la mairie
field-category-department-hint = Les nouveaux signalements de cette catégorie lui sont confiés. Vide : aucun.
field-category-keywords = Mots-clés
field-category-keywords-hint = Séparés par des virgules, pour la recherche.
field-category-active = En service (décochez pour retirer la catégorie : ses signalements la gardent)
questions-title = Questions en plus
questions-intro = Chaque bloc est une question posée aux habitants qui choisissent cette catégorie. Pour retirer une question, videz son code et son texte. Deux blocs vides permettent d'en ajouter ; enregistrez pour en avoir d'autres.
question-legend = Question { $value }
field-question-code = Code de la question
field-question-text = Question posée
field-question-type = Type de réponse
field-question-required = Réponse obligatoire
field-question-values = Choix possibles (pour une liste)
field-question-values-hint = Un choix par ligne, sous la forme « code = libellé », par exemple « grand = Plus grand qu'une assiette ». Le code (minuscules sans accent, chiffres, - et _) peut être omis : il est alors tiré du libellé.
datatype-string = Texte court
datatype-text = Texte long
datatype-number = Nombre
datatype-datetime = Date
datatype-single = Un choix dans une liste
datatype-multi = Plusieurs choix dans une liste
category-save = Enregistrer la catégorie
category-saved = La catégorie est enregistrée.
invalid-category-code = Le code doit faire de 1 à 64 caractères : lettres minuscules sans accent, chiffres, - et _.
invalid-category-name = Le nom est obligatoire (80 caractères au plus).
invalid-question-code = Question { $value } : le code doit faire de 1 à 64 caractères (minuscules sans accent, chiffres, - et _).
invalid-question-code-taken = Question { $value } : une autre question a déjà ce code.
invalid-question-text = Question { $value } : écrivez la question (300 caractères au plus).
invalid-question-type = Question { $value } : choisissez un type de réponse dans la liste.
invalid-question-values = Question { $value } : un choix par ligne, « code = libellé » ; le code en minuscules sans accent, chiffres, - et _, sans code en double ; le libellé de 100 caractères au plus.
invalid-question-no-values = Question { $value } : une liste a besoin d'au moins un choix.
invalid-question-values-not-list = Question { $value } : les choix ne servent que pour une liste ; videz-les ou choisissez un type « liste ».
invalid-category-keywords = 20 mots-clés au plus, de 40 caractères au plus chacun, séparés par des virgules.
invalid-category-description = La description est trop longue (500 caractères au plus).
invalid-category-department = Le nom du service est trop long (80 caractères au plus).
invalid-attribute = Vérifiez la réponse à « { $value } ».

## dialogue
# Questions, proposals, comments and moderation (issue 6). Keys start with dlg-.
dlg-questions-title = Questions à la commune
dlg-questions-intro = Posez publiquement une question à la mairie : elle y répond officiellement, ici, dans le délai auquel elle s'est engagée.
dlg-questions-filter = Filtrer les questions
dlg-filter-all = Toutes
dlg-filter-overdue = En retard seulement
dlg-filter-awaiting = En attente d'une réponse obligatoire
dlg-no-question = Aucune question pour l'instant.
dlg-no-overdue-question = Aucune question en retard : la mairie tient son engagement.
dlg-question-open = En attente de réponse
dlg-question-answered = Répondue
dlg-question-redirected = Transmise à un signalement
dlg-question-hidden = Question masquée par la modération
dlg-overdue = En retard
dlg-asked-on = Posée le
dlg-you-asked = Vous avez posé cette question le
dlg-answer-due = réponse attendue avant le
dlg-commitment = { $count ->
    [one] engagement de la commune : répondre en { $count } jour
   *[other] engagement de la commune : répondre en { $count } jours
}
dlg-answer-delay = { $count ->
    [0] Répondu le jour même
    [one] Répondu en { $count } jour
   *[other] Répondu en { $count } jours
}
dlg-on-time = dans les délais
dlg-late = en retard sur l'engagement
dlg-official-answer = Réponse officielle
dlg-redirected-title = Transmise à un signalement
dlg-redirected-link = Suivre le signalement
dlg-ask-link = Poser une question
dlg-ask-title = Poser une question
dlg-ask-intro = Votre question et la réponse de la mairie seront publiques.
dlg-ask-button = Publier la question
dlg-ask-signin = Connectez-vous pour poser une question.
dlg-field-question-title = Votre question, en une phrase
dlg-field-question-title-hint = Par exemple : « La piscine ouvrira-t-elle le dimanche cet été ? »
dlg-field-question-body = Précisions
dlg-question-already = Cette question est déjà publiée.
dlg-question-answered-already = Cette question a déjà reçu une réponse.
dlg-question-not-open = Cette question n'attend plus de réponse : elle a été répondue ou transmise à un signalement.
dlg-answer-title = Répondre au nom de la commune
dlg-answer-proposal-title = Répondre à la proposition au nom de la commune
dlg-answer-intro = La réponse est publiée comme réponse officielle de la commune.
dlg-answer-button = Publier la réponse officielle
dlg-field-answer = Réponse
dlg-redirect-title = Transmettre à un signalement
dlg-redirect-intro = Si la question décrit un problème sur l'espace public, suivez-la comme un signalement : la question le dit publiquement.
dlg-redirect-button = Transmettre
dlg-field-report = Signalement
dlg-field-report-hint = L'identifiant du signalement, ou l'adresse de sa page.
dlg-field-redirect-message = Message public
dlg-back-to-questions = Retour aux questions
dlg-proposals-title = Propositions citoyennes
dlg-proposals-intro = Proposez une idée pour la commune et soutenez celles des autres habitants.
dlg-threshold-intro = { $count ->
    [one] La mairie s'engage à répondre à toute nouvelle proposition dès { $count } soutien.
   *[other] La mairie s'engage à répondre à toute nouvelle proposition qui réunit { $count } soutiens.
}
dlg-proposals-filter = Filtrer les propositions
dlg-no-proposal = Aucune proposition pour l'instant.
dlg-no-awaiting-proposal = Aucune proposition n'attend de réponse de la mairie.
dlg-proposal-open = Ouverte aux soutiens
dlg-proposal-awaiting = Seuil atteint : réponse de la mairie attendue
dlg-proposal-answered = Répondue
dlg-proposal-hidden = Proposition masquée par la modération
dlg-supports = { $count ->
    [0] Aucun soutien
    [one] { $count } soutien
   *[other] { $count } soutiens
}
dlg-threshold = { $count ->
    [one] sur { $count } nécessaire pour obliger la mairie à répondre.
   *[other] sur { $count } nécessaires pour obliger la mairie à répondre.
}
dlg-proposal-answer-due = Réponse de la mairie due avant le
dlg-proposal-threshold-reached = Le seuil a été atteint : la mairie devait répondre.
dlg-submitted-on = Proposée le
dlg-you-proposed = Vous avez fait cette proposition le
dlg-supports-title = Soutiens
dlg-support-button = Je soutiens cette proposition
dlg-support-signin = Connectez-vous pour soutenir cette proposition.
dlg-you-support = Vous soutenez cette proposition.
dlg-your-proposal = C'est votre proposition : les autres habitants peuvent la soutenir.
dlg-support-already = Vous soutenez déjà cette proposition : un seul soutien par compte.
dlg-support-not-possible = Cette proposition ne peut pas recevoir votre soutien : c'est la vôtre, ou la mairie y a déjà répondu.
dlg-propose-link = Faire une proposition
dlg-propose-title = Faire une proposition
dlg-propose-button = Publier la proposition
dlg-propose-signin = Connectez-vous pour faire une proposition.
dlg-field-proposal-title = Votre proposition, en une phrase
dlg-field-proposal-body = Description
dlg-field-proposal-body-hint = Ce que vous proposez, où, et pourquoi.
dlg-proposal-already = Cette proposition est déjà publiée.
dlg-proposal-answered-already = La mairie a déjà répondu à cette proposition.
dlg-back-to-proposals = Retour aux propositions
dlg-comments-title = { $count ->
    [0] Commentaires
    [one] { $count } commentaire
   *[other] { $count } commentaires
}
dlg-comments-unavailable = Les commentaires sont momentanément indisponibles.
dlg-no-comment = Aucun commentaire pour l'instant.
dlg-official-badge = Parole officielle de la commune
dlg-replies-label = Réponses
dlg-reply-summary = Répondre
dlg-reply-title = Votre réponse
dlg-reply-button = Publier la réponse
dlg-field-reply = Votre réponse
dlg-comment-title = Votre commentaire
dlg-comment-button = Publier le commentaire
dlg-field-comment = Votre commentaire
dlg-field-comment-hint = Public. Restez courtois : les commentaires sont modérés.
dlg-comment-signin = Connectez-vous pour commenter.
dlg-comment-already = Ce commentaire est déjà publié.
dlg-comment-hidden-because = Commentaire masqué par la modération : { $value }
dlg-hidden-because = Motif public : { $value }
dlg-author-you = Vous
dlg-author-official = La mairie
dlg-author-resident = Habitant·e n° { $value }
dlg-flag-summary = Signaler
dlg-flag-title = Signaler un contenu
dlg-flag-button = Signaler aux modérateurs
dlg-field-flag-reason = Pourquoi ce contenu pose-t-il problème ?
dlg-flag-already = Vous avez déjà signalé ce contenu.
dlg-flagged-text = Merci : votre signalement est transmis aux modérateurs. Il n'est pas public.
dlg-hide-summary = Masquer (modération)
dlg-hide-title = Masquer un contenu
dlg-hide-button = Masquer
dlg-field-hide-reason = Motif public du masquage
dlg-field-hide-reason-hint = Affiché à la place du contenu et dans le journal public de modération.
dlg-hide-already = Ce contenu est déjà masqué.
dlg-hide-restored = Ce contenu a été rétabli après contestation : il ne peut plus être masqué.
dlg-appeal-summary = Contester le masquage
dlg-appeal-title = Contester un masquage
dlg-appeal-button = Envoyer la contestation
dlg-field-appeal-reason = Pourquoi ce masquage n'est-il pas justifié ?
dlg-field-appeal-reason-hint = Vos raisons vont aux modérateurs ; le journal public dit seulement qu'une contestation a été faite. Un masquage se conteste une seule fois.
dlg-appeal-already = Vous avez déjà contesté ce masquage : une contestation par masquage.
dlg-appeal-not-hidden = Ce contenu n'est pas masqué : il n'y a rien à contester.
dlg-appealed-text = Votre contestation est transmise aux modérateurs. Leur décision sera publique dans le journal de modération.
dlg-resolve-title = Trancher une contestation
dlg-resolve-button = Publier la décision
dlg-resolve-decision = Décision
dlg-resolve-restore = Rétablir le contenu
dlg-resolve-dismiss = Maintenir le masquage
dlg-field-resolve-reason = Motif public de la décision
dlg-resolve-already = Cette contestation est déjà tranchée.
dlg-resolve-none = Il n'y a pas de contestation à trancher.
dlg-invalid-reason = Donnez un motif de 3 à 2 000 caractères.
dlg-thanks-title = Merci
dlg-back = Retour
dlg-not-allowed = Vous n'avez pas le rôle nécessaire pour faire cela.
dlg-too-many = Vous avez beaucoup publié en peu de temps : patientez quelques minutes avant de publier à nouveau. Votre texte est conservé ci-dessous.
dlg-invalid-title = Le titre doit faire entre 3 et 150 caractères.
dlg-invalid-body = Le texte doit faire entre 1 et 5 000 caractères.
dlg-invalid-answer = Écrivez la réponse (5 000 caractères au plus).
dlg-invalid-comment = Écrivez un commentaire de 3 000 caractères au plus.
dlg-invalid-reply-to = On ne répond qu'à un commentaire de premier niveau de cette page.
dlg-invalid-target = Ce contenu ne peut pas être commenté.
dlg-invalid-report = Indiquez un signalement de la commune : son identifiant ou l'adresse de sa page.
dlg-invalid-message = Le message est trop long (2 000 caractères au plus).
dlg-log-citizen-title = Journal de modération de l'espace citoyen
dlg-log-official-title = Journal de modération de l'espace officiel
dlg-log-citizen-intro = Chaque masquage de questions, propositions et commentaires d'habitants, chaque contestation et chaque décision, avec son motif public.
dlg-log-official-intro = Chaque masquage de paroles officielles de la commune, chaque contestation et chaque décision, avec son motif public.
dlg-log-empty = Aucun acte de modération pour l'instant.
dlg-log-caption = Actes de modération, du plus récent au plus ancien
dlg-log-when = Date
dlg-log-act = Acte
dlg-log-what = Contenu
dlg-log-by = Par
dlg-log-reason = Motif public
dlg-log-hidden = Masqué
dlg-log-appealed = Contesté par son auteur
dlg-log-restored = Rétabli
dlg-log-appeal-dismissed = Masquage maintenu
dlg-by-author = l'auteur
dlg-by-collective = la modération du collectif
dlg-by-commune = la mairie
dlg-what-question = une question
dlg-what-proposal = une proposition
dlg-what-comment = un commentaire
dlg-queue-title = Modération
dlg-queue-intro = Les contenus signalés par les habitants, du plus ancien au plus récent, et les contestations à trancher. Le collectif modère les contenus des habitants, la mairie ses propres paroles.
dlg-appeals-title = Contestations à trancher
dlg-no-appeal = Aucune contestation en attente.
dlg-flagged-title = Contenus signalés
dlg-no-flagged = Aucun contenu signalé.
dlg-flags = { $count ->
    [one] { $count } signalement
   *[other] { $count } signalements
}
dlg-last-flag = dernier le
dlg-official-content = parole officielle
dlg-is-hidden = Masqué
dlg-other-space = Relève des modérateurs de l'autre espace.
dlg-settings-title = Dialogue — { $value }
dlg-settings-intro = Le seuil s'applique aux nouvelles propositions : chacune garde celui en vigueur quand elle a été publiée.
dlg-settings-saved = Le seuil est enregistré.
dlg-settings-button = Enregistrer
dlg-field-threshold = Nombre de soutiens qui oblige la mairie à répondre
dlg-field-threshold-hint = Un nombre entier, à partir de 1.
dlg-invalid-threshold = Indiquez un nombre entier de soutiens, à partir de 1.

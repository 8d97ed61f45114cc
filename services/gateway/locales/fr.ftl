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
signin-too-many = Trop de tentatives de connexion. Réessayez dans { $minutes ->
    [one] une minute
   *[other] { $minutes } minutes
}.
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

## publications and spaces
pub-kind-project = Projet
pub-kind-decision = Délibération
pub-kind-minutes = Procès-verbal
pub-kind-budget = Budget
pub-kind-news = Actualité
pub-kind-post = Billet du collectif
pub-kind-activity = Proposition d'activité
pub-kind-follow-up = Note de suivi
pub-list-project = Projets de la commune
pub-list-decision = Délibérations du conseil municipal
pub-list-minutes = Procès-verbaux des séances
pub-list-budget = Budgets
pub-list-news = Actualités de la mairie
pub-list-post = Billets du collectif
pub-list-activity = Propositions d'activités
pub-list-follow-up = Notes de suivi
pub-list-project-intro = Les projets de la commune : où ils en sont, ce qu'ils coûtent, qui s'en occupe, leurs étapes.
pub-list-decision-intro = Les décisions du conseil municipal, avec la date de la séance, leur numéro et le résultat des votes.
pub-list-minutes-intro = Les procès-verbaux des séances du conseil municipal.
pub-list-budget-intro = Les budgets de la commune, année par année, avec leurs principales lignes.
pub-list-news-intro = Les nouvelles publiées par la mairie.
pub-list-post-intro = Ce que le collectif d'habitants publie : nouvelles, prises de position, comptes rendus.
pub-list-activity-intro = Les activités que le collectif propose aux habitants.
pub-list-follow-up-intro = Les notes du collectif sur l'avancement des projets de la commune.
pub-list-heading = Les publications
pub-new-project = Nouveau projet
pub-new-decision = Nouvelle délibération
pub-new-minutes = Nouveau procès-verbal
pub-new-budget = Nouveau budget
pub-new-news = Nouvelle actualité
pub-new-post = Nouveau billet
pub-new-activity = Nouvelle proposition d'activité
pub-new-follow-up = Nouvelle note de suivi
pub-new-title = Écrire une publication
pub-choose-kind = Que voulez-vous publier ?
pub-see-all-project = Voir tous les projets
pub-see-all-decision = Voir toutes les délibérations
pub-see-all-minutes = Voir tous les procès-verbaux
pub-see-all-budget = Voir tous les budgets
pub-see-all-news = Voir toutes les actualités
pub-see-all-post = Voir tous les billets
pub-see-all-activity = Voir toutes les propositions d'activités
pub-see-all-follow-up = Voir le suivi de tous les projets
pub-see-list = Toute la liste
pub-see-official-projects = Les projets dans l'espace officiel
pub-space-nav = Dans cet espace
pub-status-draft = Brouillon
pub-status-scheduled = Programmé
pub-status-published = Publié
pub-status-archived = Archivé
pub-project-planned = Prévu
pub-project-in-progress = En cours
pub-project-done = Terminé
pub-project-abandoned = Abandonné
pub-project-unknown = État inconnu
pub-progress = Avancement : { $value } %
pub-department-is = Service : { $value }
pub-budget-planned-is = Budget prévu : { $value }
pub-budget-spent-is = Dépensé : { $value }
pub-budget-year-is = Budget { $value }
pub-budget-total-is = Total : { $value }
pub-budget-total = Total
pub-budget-no-line = Ce budget n'a pas encore de ligne.
pub-budget-lines-title = Lignes du budget
pub-decision-number-is = N° { $value }
pub-session-on = séance du { $value }
pub-decision-adopted = Adoptée
pub-decision-not-adopted = Non adoptée
pub-votes-for = { $value } pour
pub-votes-against = { $value } contre
pub-votes-abstentions = { $value } abstentions
pub-votes-short = pour / contre / abstentions : { $value }
pub-votes-title = Résultat des votes
pub-milestone-done = étape franchie
pub-milestone-todo = à venir
pub-revisions-count = { $count ->
    [one] { $count } modification
   *[other] { $count } modifications
}
pub-published-on = Publié le { $value }
pub-first-published = Première publication le { $value }.
pub-updated-on = modifié le { $value }
pub-scheduled-for = paraîtra le { $value }
pub-archived-banner = Publication archivée.
pub-archived-on = Archivée le { $value }.
pub-archived-reason = Raison : { $value }
pub-draft-banner = Ce brouillon n'est visible que par les rédacteurs de cet espace.
pub-scheduled-banner = Paraîtra le { $value } ; d'ici là, seuls les rédacteurs de cet espace la voient.
pub-edit-link = Modifier, publier ou archiver
pub-project-details = Le projet en bref
pub-decision-details = La délibération
pub-text-title = Texte
pub-no-text = Pas de texte.
pub-follows = Cette note suit le projet de la commune :
pub-follows-gone = Le projet suivi par cette note n'est plus visible.
pub-notes-title = Suivi citoyen de ce projet
pub-notes-intro = Les notes du collectif d'habitants sur ce projet, dans l'espace citoyen.
pub-notes-count = { $count ->
    [0] Pas encore de note du collectif
    [one] { $count } note du collectif
   *[other] { $count } notes du collectif
}
pub-no-note = Le collectif n'a pas encore écrit sur ce projet.
pub-write-note = Écrire une note de suivi sur ce projet
pub-write-note-on = Écrire une note de suivi sur « { $value } »
pub-project-decisions = Délibérations sur ce projet
pub-no-project-decision = Aucune délibération publiée ne porte sur ce projet.
pub-related-title = Publications liées
pub-revisions-title = Historique des modifications
pub-no-revision = Pas de modification depuis la première publication.
pub-revision-n = Modification n° { $value }
pub-revision-summary = Ce qui a changé :
pub-title-changed = Titre modifié :
pub-before = Avant
pub-after = Après
pub-changes-title = Détails modifiés
pub-change-what = Quoi
pub-diff-title = Texte modifié
pub-diff-legend = Les lignes ajoutées sont précédées de « + », les lignes retirées de « − » et barrées ; les autres sont inchangées.
pub-diff-added = Ligne ajoutée :
pub-diff-removed = Ligne retirée :
pub-diff-kept = Ligne inchangée :
pub-diff-blank-line = (ligne vide)
pub-diff-skipped = { $count ->
    [one] { $count } ligne inchangée
   *[other] { $count } lignes inchangées
}
pub-unavailable = Cette partie est momentanément indisponible. Réessayez dans un instant.
pub-partly-unavailable = Une partie de l'activité est momentanément indisponible.
pub-priorities-title = Les priorités de la commune
pub-priorities-intro = Les projets en cours, du plus récent au plus ancien.
pub-no-priority = Aucun projet en cours pour l'instant.
pub-latest-activity = Activité récente
pub-no-activity = Rien de nouveau pour l'instant.
pub-activity-report = Signalement
pub-activity-report-answer = Réponse à un signalement
pub-activity-question = Question
pub-activity-question-answer = Réponse à une question
pub-activity-proposal = Proposition
pub-go-official = Entrer dans l'espace officiel
pub-go-citizen = Entrer dans l'espace citoyen
pub-questions-title = Questions à la mairie
pub-questions-intro = Les questions publiques des habitants, et les réponses officielles de la mairie.
pub-questions-link = Voir les questions à la mairie
pub-no-question = Aucune question pour l'instant.
pub-question-open = En attente de réponse
pub-question-answered = Répondue
pub-question-redirected = Transformée en signalement
pub-proposals-title = Propositions des habitants
pub-proposals-intro = Les propositions des habitants ; au-delà d'un nombre de soutiens, la mairie doit y répondre.
pub-proposals-link = Voir les propositions des habitants
pub-no-proposal = Aucune proposition pour l'instant.
pub-proposal-open = Ouverte aux soutiens
pub-proposal-awaiting = Réponse de la mairie attendue
pub-proposal-answered = Répondue
pub-supports = { $count ->
    [0] aucun soutien
    [one] { $count } soutien
   *[other] { $count } soutiens
}
pub-answered-questions = Réponses aux questions des habitants
pub-no-answered-question = Pas encore de réponse à une question.
pub-answered-on = Répondu le
pub-answered-reports = Signalements pris en compte
pub-tracking-title = Suivi des projets de la commune
pub-tracking-intro = Chaque projet de la commune, avec les notes de suivi du collectif d'habitants qui s'y rapportent.
pub-no-project = La commune n'a pas encore publié de projet.
pub-desk-title = Rédaction — { $value }
pub-desk-intro = Vos brouillons, les publications programmées et les dernières parues. Tous les rédacteurs de cet espace peuvent les modifier.
pub-drafts-title = Brouillons
pub-no-draft = Aucun brouillon.
pub-scheduled-title = Programmées
pub-no-scheduled = Aucune publication programmée.
pub-recent-title = Dernières publications
pub-yours = écrit par vous
pub-amend-link = Modifier ou archiver « { $value } »
pub-edit-title = Modifier : { $value }
pub-saved = Le brouillon est enregistré.
pub-preview = Voir l'aperçu du brouillon
pub-see-page = Voir la page publique
pub-archived-no-change = Cette publication est archivée : elle reste lisible mais ne peut plus être modifiée.
pub-content-title = Contenu
pub-amend-title = Modifier la publication
pub-amend-intro = La modification est publiée aussitôt, avec son résumé, dans l'historique public de la page.
pub-save-draft = Enregistrer le brouillon
pub-save = Enregistrer
pub-amend-button = Publier la modification
pub-publish-title = Publier
pub-publish-intro = Une fois publiée, la page est publique ; chaque modification ultérieure apparaîtra dans son historique.
pub-publish-when = Quand ?
pub-publish-now = Maintenant
pub-publish-later = À la date et à l'heure indiquées ci-dessous
pub-publish-button = Publier
pub-archive-title = Archiver
pub-archive-intro = Une publication archivée reste lisible, avec la raison de son archivage, mais ne peut plus être modifiée.
pub-archive-button = Archiver la publication
pub-field-title = Titre
pub-field-title-hint = De 3 à 200 caractères.
pub-field-body = Texte
pub-field-body-hint = Laissez une ligne vide entre deux paragraphes.
pub-field-summary = Résumé de la modification
pub-field-summary-hint = Obligatoire : il est public, dans l'historique de la page (3 caractères au moins).
pub-field-status = État du projet
pub-field-abandoned-reason = Raison de l'abandon
pub-field-abandoned-reason-hint = Seulement pour un projet abandonné ; elle est alors obligatoire et publique.
pub-field-progress = Avancement (en %)
pub-field-progress-hint = Un nombre entier de 0 à 100.
pub-field-budget-planned = Budget prévu
pub-field-budget-spent = Montant dépensé
pub-field-money-hint = En euros, par exemple 12 500 ou 1 234,50.
pub-field-funding = Financements
pub-field-funding-hint = Un financeur par ligne.
pub-field-department = Service responsable
pub-field-location = Lieu du projet (facultatif)
pub-field-address = Adresse
pub-field-milestones = Étapes
pub-milestones-hint = Chaque bloc est une étape. Pour en retirer une, videz ses champs ; enregistrez pour avoir d'autres blocs vides.
pub-milestone-n = Étape { $value }
pub-field-milestone-title = Intitulé de l'étape
pub-field-milestone-date = Date
pub-field-milestone-done = Étape franchie
pub-field-session-date = Date de la séance
pub-field-number = Numéro
pub-field-number-hint = Le numéro de la délibération au registre, par exemple 2026-041.
pub-field-votes = Votes
pub-field-votes-for = Voix pour
pub-field-votes-against = Voix contre
pub-field-abstentions = Abstentions
pub-field-outcome = Résultat
pub-no-related-choice = Aucun projet ni budget publié à lier.
pub-field-year = Année
pub-lines-hint = Chaque bloc est une ligne du budget. Pour en retirer une, videz ses champs ; enregistrez pour avoir d'autres blocs vides.
pub-line-n = Ligne { $value }
pub-field-line-label = Intitulé
pub-field-line-amount = Montant (en euros)
pub-field-budget-lines = Lignes du budget
pub-field-project = Projet suivi
pub-field-project-hint = Le projet de la commune dont parle cette note ; sa page renverra vers elle.
pub-choose-project = Choisissez un projet
pub-field-publish-at = Date et heure de publication
pub-field-publish-at-hint = Heure légale française. Seulement pour « À la date et à l'heure indiquées ».
pub-field-reason = Raison de l'archivage
pub-field-reason-hint = Publique, affichée sur la page (3 caractères au moins).
pub-error-state = Cette publication a changé entre-temps (publiée, archivée…). Rechargez la page pour voir son état.
pub-invalid-title = Le titre doit faire de 3 à 200 caractères, sur une ligne.
pub-invalid-body = Le texte est trop long (100 000 caractères au plus).
pub-invalid-summary = Résumez la modification (de 3 à 2 000 caractères).
pub-invalid-reason = Donnez la raison de l'archivage (de 3 à 2 000 caractères).
pub-invalid-publish-at = La date de publication ne doit pas être passée.
pub-invalid-publish-at-format = Indiquez une date et une heure qui existent, par exemple 2026-07-14 09:30.
pub-invalid-kind = Ce type de publication n'existe pas dans cet espace.
pub-invalid-status = Choisissez l'état du projet dans la liste.
pub-invalid-progress = L'avancement est un nombre entier de 0 à 100.
pub-invalid-money = Écrivez un montant en euros, par exemple 12 500 ou 1 234,50.
pub-invalid-budget-planned = Le budget prévu ne peut pas être négatif.
pub-invalid-budget-spent = Le montant dépensé ne peut pas être négatif.
pub-invalid-department = Le nom du service est trop long (200 caractères au plus, sur une ligne).
pub-invalid-latitude = La latitude est un nombre entre -90 et 90.
pub-invalid-longitude = La longitude est un nombre entre -180 et 180.
pub-invalid-address = L'adresse est trop longue (200 caractères au plus, sur une ligne).
pub-invalid-abandoned-reason = Donnez la raison de l'abandon (200 caractères au plus).
pub-invalid-funding-sources = Un financeur par ligne, de 200 caractères au plus.
pub-invalid-milestones = Trop d'étapes (200 au plus).
pub-invalid-milestone-title = Étape { $value } : donnez un intitulé (200 caractères au plus).
pub-invalid-milestone-date = Étape { $value } : indiquez une date qui existe.
pub-invalid-session-date = Indiquez la date de la séance.
pub-invalid-number = Indiquez le numéro de la délibération (200 caractères au plus).
pub-invalid-votes-for = Le nombre de voix pour est un nombre entier.
pub-invalid-votes-against = Le nombre de voix contre est un nombre entier.
pub-invalid-abstentions = Le nombre d'abstentions est un nombre entier.
pub-invalid-related = Une publication liée n'existe pas ou n'est pas publiée.
pub-invalid-year = Indiquez une année entre 1900 et 2200.
pub-invalid-lines = Trop de lignes (200 au plus).
pub-invalid-line-label = Ligne { $value } : donnez un intitulé (200 caractères au plus).
pub-invalid-line-amount = Ligne { $value } : écrivez un montant en euros, par exemple 12 500 ou 1 234,50.
pub-invalid-project = Choisissez un projet publié par la commune.
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
dlg-settings-link = Dialogue : seuil des propositions

## A publication's files (PDF documents and images)
pub-files-title = Documents et images
pub-files-added = Fichiers ajoutés
pub-files-removed = Fichiers retirés
pub-files-removed-intro = Ils restent consultables ici : rien de ce qui a été publié ne disparaît.
pub-files-draft-intro = Joignez des documents PDF (20 Mo au plus) ou des images JPEG, PNG ou WebP (5 Mo au plus), 10 fichiers au plus. Les informations cachées dans les images (lieu, appareil) sont effacées.
pub-files-amend-intro = Cette publication est parue : ajouter ou retirer un fichier est une modification publique, avec son résumé dans l'historique. Un fichier retiré reste consultable dans l'historique.
pub-no-file = Aucun fichier joint.
pub-file-download = Télécharger « { $value } »
pub-file-fingerprint = Empreinte du fichier
pub-file-fingerprint-intro = L'empreinte SHA-256 permet de vérifier qu'un document téléchargé est bien celui qui a été publié.
pub-file-remove = Retirer « { $value } »
pub-file-remove-summary = Pourquoi retirer « { $value } » ? (public, dans l'historique)
pub-file-add-title = Joindre un fichier
pub-field-file = Fichier
pub-field-file-hint = Un document PDF (20 Mo au plus) ou une image JPEG, PNG ou WebP (5 Mo au plus).
pub-field-file-alt = Description du fichier
pub-field-file-alt-hint = Obligatoire pour une image : dites ce qu'elle montre, pour les personnes qui ne la voient pas. Facultatif pour un PDF.
pub-file-add-button = Joindre le fichier
pub-file-required = Choisissez le fichier à joindre.
pub-file-too-large = Ce fichier est trop lourd : 20 Mo au plus pour un PDF, 5 Mo pour une image.
pub-file-invalid = Ce fichier n'est pas accepté : envoyez un document PDF complet, ou une image JPEG, PNG ou WebP.
pub-file-too-many = Cette publication a déjà 10 fichiers : retirez-en un avant d'en ajouter un autre.
pub-file-alt-required = Décrivez ce que montre l'image, pour les personnes qui ne la voient pas.
pub-file-alt-too-long = La description doit tenir sur une ligne, en 300 caractères au plus.
pub-file-summary-required = Résumez la modification (3 caractères au moins) : elle est publique, dans l'historique.
pub-size-bytes = { $value } octets
pub-size-kb = { $value } ko
pub-size-mb = { $value } Mo

## Search across a commune's publications, questions and proposals
search-title = Rechercher
search-link = Rechercher dans la commune
search-intro = Cherchez dans les publications de la mairie et du collectif, les questions posées à la mairie et les propositions des habitants.
search-field = Mots recherchés
search-field-hint = Tous les mots doivent apparaître ; les accents et les majuscules ne comptent pas.
search-button = Rechercher
search-results-for = Résultats pour « { $value } »
search-publications = Publications
search-questions = Questions
search-proposals = Propositions
search-none = Aucun résultat.
search-more = Plus de résultats : { $value }
search-all = Tous les résultats
search-empty = Saisissez un ou plusieurs mots à chercher.
search-too-long = La recherche est trop longue : 200 caractères au plus.

## Notifications: following, subscriptions, preferences
nav-notifications = Notifications
follow-start = Suivre
follow-stop = Ne plus suivre
follow-on = Vous suivez ceci : vous serez averti de ce qui s'y passe.
follow-implicit = Vous suivez ceci parce que vous y avez pris part : vous serez averti de ce qui s'y passe.
follow-hint = Soyez averti des réponses, des changements d'état et des nouveaux commentaires.
follow-signin = Connectez-vous pour suivre ceci et être averti de ce qui s'y passe.
notif-title = Mes notifications
notif-intro = Ce que vous suivez, vos abonnements, et comment vous voulez en être averti.
notif-unavailable = Les notifications sont momentanément indisponibles. Réessayez dans quelques minutes.
notif-saved = Vos préférences sont enregistrées.
notif-subscribed = Votre abonnement est enregistré.
notif-cancelled = Votre abonnement est résilié.
notif-preferences-title = Comment être averti
notif-cadence-legend = Recevoir les courriels
notif-cadence-hint = Quoi que vous choisissiez, tout reste visible dans vos notifications sur le site.
notif-cadence-immediately = Tout de suite, un courriel par nouvelle
notif-cadence-daily = Un résumé par jour
notif-cadence-weekly = Un résumé par semaine
notif-cadence-never = Jamais
notif-invalid-cadence = Choisissez quand recevoir les courriels.
notif-locale = Langue des courriels
notif-department-reports = Recevoir les nouveaux signalements de mon service
notif-save = Enregistrer mes préférences
notif-follows-title = Ce que je suis
notif-follows-intro = Vous suivez ce que vous avez signalé, demandé, proposé ou soutenu, et ce que vous avez choisi de suivre.
notif-no-follow = Vous ne suivez rien pour l'instant.
notif-in-commune = Commune { $value }
notif-implicit = suivi parce que vous y avez pris part
notif-stop-following = Ne plus suivre « { $value } »
notif-more-follows = Seuls les 50 derniers suivis sont affichés.
notif-kind-report = Signalement
notif-kind-question = Question
notif-kind-proposal = Proposition
notif-kind-publication = Publication
notif-subscriptions-title = Mes abonnements
notif-no-subscription = Aucun abonnement pour l'instant.
notif-cancel = Résilier : { $value }
notif-subscribe-in = S'abonner aux nouvelles de la commune { $value }
notif-subscribe-hint = Chaque commune a sa page d'abonnements, en lien depuis sa page d'accueil.
notif-sub-official = Tout l'espace officiel (publications de la mairie)
notif-sub-citizen = Tout l'espace citoyen (signalements, questions, propositions, billets du collectif)
notif-sub-category = Nouveaux signalements de la catégorie « { $value } »
notif-sub-area = Nouveaux signalements et projets dans un rayon de { $value }
notif-subscribe-title = S'abonner
notif-subscribe-intro = Soyez averti de ce qui paraît dans la commune : tout un espace, une catégorie de signalements, ou ce qui se passe près de chez vous.
notif-subscribe-signin = Connectez-vous pour vous abonner
notif-see-mine = Voir mes abonnements et mes préférences
notif-space-title = Tout un espace
notif-subscribe-official = S'abonner à l'espace officiel
notif-subscribe-citizen = S'abonner à l'espace citoyen
notif-category-title = Une catégorie de signalements
notif-no-category = Cette commune n'a pas encore de catégories de signalements.
notif-field-category = Catégorie
notif-subscribe-button = S'abonner
notif-area-title = Un quartier
notif-area-intro = Un point et un rayon : vous serez averti des nouveaux signalements et projets qui s'y trouvent.
notif-field-latitude = Latitude
notif-field-latitude-hint = En degrés décimaux, par exemple 48,8566 (le point d'un signalement proche se lit sur sa page).
notif-field-longitude = Longitude
notif-field-radius = Rayon, en mètres
notif-field-radius-hint = De 1 à 5 000 mètres.
notif-invalid-latitude = La latitude doit être un nombre, par exemple 48,8566.
notif-invalid-longitude = La longitude doit être un nombre, par exemple 2,3522.
notif-invalid-radius = Le rayon doit être un nombre entier de mètres, de 1 à 5 000.
invalid-radius_m = Le rayon doit être un nombre entier de mètres, de 1 à 5 000.
notif-too-many-subscriptions = Vous avez déjà 50 abonnements : résiliez-en un avant d'en ajouter.
notif-home-link = Recevoir les nouvelles de cette commune
notif-account-link = Mes notifications : ce que je suis, mes abonnements, mes préférences
unsub-title = Se désabonner
unsub-intro = Ce lien vient d'un courriel de Miroir. Confirmez pour ne plus recevoir ce type de courriels : selon le lien, vous cessez de suivre ce dont le courriel parlait, ou vous ne recevez plus aucun courriel (vos notifications restent visibles sur le site).
unsub-button = Confirmer le désabonnement
unsub-hint = Aucune connexion n'est nécessaire. Vous pourrez changer d'avis dans vos notifications.
unsub-done-title = Désabonnement enregistré
unsub-done-all = Vous ne recevrez plus de courriels de Miroir. Vos notifications restent visibles sur le site.
unsub-done-follow = Vous ne suivez plus ce dont parlait le courriel.
unsub-change = Pour changer d'avis :
unsub-invalid = Ce lien de désabonnement n'est pas valable. Gérez vos courriels depuis vos notifications, une fois connecté.
nav-unread = { $count ->
    [one] nouvelle notification non lue
   *[other] nouvelles notifications non lues
}
notif-feed-title = Nouveautés
notif-feed-intro = Ce qui s'est passé dans ce que vous suivez et dans vos abonnements, le plus récent d'abord.
notif-feed-empty = Rien de nouveau pour l'instant.
notif-feed-new = nouveau
notif-feed-mark-all = Tout marquer comme lu
notif-feed-marked = Tout est marqué comme lu.
notif-feed-more = Seules les 30 dernières nouveautés sont affichées.
notif-deliveries-title = Mes courriels
notif-deliveries-intro = Les courriels que Miroir vous a envoyés ou va vous envoyer, et ce qu'il en est advenu.
notif-deliveries-empty = Aucun courriel pour l'instant.
notif-delivery-state = État
notif-delivery-subject = Objet
notif-delivery-when = Date
notif-delivery-attempts = Tentatives
notif-state-pending = en attente
notif-state-sending = en cours d'envoi
notif-state-sent = envoyé
notif-state-retry = nouvel essai prévu
notif-state-failed = échec
notif-state-cancelled = non envoyé

## Webhooks (the commune administrator's page)
hook-link = Webhooks : envois au système d'information de la mairie
hook-title = Webhooks
hook-intro = Chaque événement de la commune est envoyé aux adresses de ses clients d'intégration, signé (norme Standard Webhooks) et renvoyé en cas d'échec. Une adresse qui échoue durablement est désactivée, avec la raison.
hook-endpoints-title = Adresses de réception
hook-none = Aucune adresse de réception.
hook-client-is = Client { $value }
hook-events-are = Événements : { $value }
hook-all-events = tous
hook-enabled-state = Active : les événements y sont envoyés.
hook-disabled-state = Désactivée : { $value }
hook-disabled-auto = Désactivée automatiquement : { $value }
hook-client-revoked = Son client d'intégration a été révoqué : plus rien n'y est envoyé.
hook-deliveries-title = Derniers envois
hook-no-delivery = Aucun envoi pour l'instant.
hook-event = Événement
hook-attempts-log = Tentatives
hook-attempt-n = Tentative { $value }
hook-replays = { $count ->
    [one] renvoyé { $count } fois
   *[other] renvoyé { $count } fois
}
hook-state-held = en attente d'un renvoi
hook-disable-reason = Raison de la désactivation
hook-disable-button = Désactiver
hook-enable-button = Réactiver
hook-rotate-button = Changer le secret de signature
hook-delete-button = Supprimer cette adresse
hook-replay-title = Renvoyer les événements d'une période
hook-replay-from = Du
hook-replay-to = au
hook-replay-button = Renvoyer
hook-invalid-range = Indiquez deux dates, la première avant la seconde.
hook-create-title = Ajouter une adresse de réception
hook-create-intro = Pour un client d'intégration de la commune. Le secret de signature est affiché une seule fois.
hook-no-client = Créez d'abord un client d'intégration sur la page d'administration.
hook-field-client = Client d'intégration
hook-field-url = Adresse (https)
hook-field-url-hint = Une adresse publique en https, sans identifiants.
hook-field-types = Événements à envoyer
hook-field-types-hint = Séparés par des virgules, par exemple report.submitted, report.resolved. Vide : tous.
hook-create-button = Ajouter
hook-created = Adresse ajoutée.
hook-disabled = Adresse désactivée : rien n'y est plus envoyé.
hook-enabled = Adresse réactivée : les prochains événements y seront envoyés.
hook-rotated = Nouveau secret créé ; l'ancien signe encore pendant 24 heures.
hook-deleted = Adresse supprimée.
hook-replay-started = Les événements de la période sont renvoyés.
hook-secret-title = Secret de signature
hook-secret-intro = Copiez-le maintenant dans la configuration de { $value } : il ne sera plus jamais affiché.

# Transparence : tableaux de bord (issue 8)
footer-transparency = Transparence : les chiffres des communes
footer-open-data = Données ouvertes
landing-transparency = Transparence : comparer les chiffres des communes
transparency-link = Les chiffres de la commune (transparence)
transparency-link-official = Les délais de réponse de la mairie et ses chiffres publics
transparency-link-citizen = Les chiffres publics : signalements, questions, propositions
tp-national-title = Transparence : toutes les communes
tp-national-link = Transparence nationale
tp-period = { $months ->
    [one] le mois en cours ({ $last })
   *[other] les { $months } derniers mois, de { $first } à { $last }
}
tp-period-is = Période : { $value }.
tp-computed-at = Chiffres calculés le
tp-commitment-commune = { $count ->
    [one] Engagement de la commune : donner une première réponse à chaque signalement en 1 jour au plus.
   *[other] Engagement de la commune : donner une première réponse à chaque signalement en { $count } jours au plus.
}
tp-commitment-each = Chaque commune s'engage publiquement sur un délai de première réponse aux signalements ; les chiffres se comparent à l'engagement de chacune.
tp-months-label = Nombre de mois à afficher
tp-months-hint = Un nombre entier de 1 à { $value }. Le mois en cours compte.
tp-months-button = Afficher
tp-downloads = Télécharger ces chiffres
tp-download-csv = Les chiffres de ce tableau de bord en CSV (tableur)
tp-download-json = Les mêmes chiffres en JSON
tp-download-events = Le journal public des événements de la commune
tp-download-communes-csv = Les chiffres de chaque commune en CSV
tp-download-communes-json = Les chiffres de chaque commune en JSON
tp-downloads-licence = Données ouvertes sous Licence Ouverte 2.0 : vous pouvez les réutiliser librement en citant la source.
tp-downloads-docs = Ce que contient chaque fichier
tp-key-heading = L'essentiel
tp-key-communes = Communes sur Miroir
tp-key-communes-detail = Les chiffres de cette page additionnent ceux de ces communes.
tp-key-received = Signalements reçus
tp-key-received-detail = Résolus pendant la période : { $resolved }. Refusés : { $rejected }.
tp-key-first-response = Délai médian de première réponse
tp-key-first-response-detail = La moitié des signalements ont eu une première réponse en { $median } au plus ; 9 sur 10 en { $p90 } au plus.
tp-key-first-response-none = Aucun signalement de la période n'a encore eu de réponse.
tp-key-commitment = Réponses dans le délai promis
tp-key-commitment-detail = { $days ->
    [one] { $on_time } sur { $due } : première réponse donnée dans le jour promis.
   *[other] { $on_time } sur { $due } : première réponse donnée dans les { $days } jours promis.
}
tp-key-commitment-detail-each = { $on_time } sur { $due } : première réponse donnée dans le délai promis par la commune.
tp-key-commitment-none = Aucune réponse n'est encore due.
tp-key-backlog = Signalements en attente
tp-key-backlog-detail = Ouverts aujourd'hui, quelle que soit leur date. Le plus ancien attend depuis { $value }.
tp-key-backlog-none = Aucun signalement n'attend de réponse.
tp-key-questions = Questions publiques répondues
tp-key-questions-detail = Délai médian de réponse : { $value }.
tp-key-questions-none = Pas encore de réponse sur la période.
tp-key-budget = Budgets prévus des projets
tp-key-budget-detail = Dépensé : { $spent }, pour { $projects }.
tp-projects = { $count ->
    [one] { $count } projet publié
   *[other] { $count } projets publiés
}
tp-none = aucune donnée
tp-of = { $n } sur { $of }
tp-and = et
tp-less-than-a-minute = moins d'une minute
tp-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
tp-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
}
tp-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
}
tp-reports-heading = Signalements
tp-reports-intro = Les problèmes signalés par les habitants, et ce que la mairie en a fait. Un signalement anonyme compte une fois son adresse électronique vérifiée.
tp-received = Reçus
tp-resolved = Résolus
tp-rejected = Refusés
tp-open = Encore ouverts
tp-month = Mois
tp-category = Catégorie
tp-table-of = Les chiffres du graphique « { $value } »
tp-chart-months = Signalements par mois
tp-chart-months-note = Chaque mois : les signalements reçus, et ceux résolus ou refusés ce mois-là.
tp-categories-heading = Par catégorie
tp-chart-categories = Signalements par catégorie
tp-chart-categories-note = Les signalements reçus pendant la période, et ce qu'ils sont devenus.
tp-no-category = Aucun signalement reçu pendant la période.
tp-delays-heading = Délais
tp-delays-intro = Combien de temps il a fallu. La médiane est le délai du milieu : la moitié des cas ont été plus rapides. Le 90e centile est le délai que 9 cas sur 10 n'ont pas dépassé.
tp-delays-caption = Délais de réponse
tp-delay = Délai
tp-measured = Cas mesurés
tp-median = Médiane (la moitié des cas)
tp-p90 = 90e centile (9 cas sur 10)
tp-delay-first-response = Première réponse à un signalement
tp-delay-resolution = Résolution d'un signalement
tp-delay-question = Réponse à une question publique
tp-commitment-heading = L'engagement de la commune
tp-commitment-explained = Un signalement compte dès que le délai promis est passé ou qu'une réponse est venue ; il est « dans les délais » si la première réponse est venue avant la fin du délai.
tp-commitment-caption = Réponses dans le délai promis
tp-figure = Indicateur
tp-value = Valeur
tp-commitment-due = Signalements dont la réponse est due
tp-commitment-on-time = Première réponse dans le délai promis
tp-commitment-share = Part dans le délai promis
tp-backlog-heading = Signalements en attente, par ancienneté
tp-backlog-intro = Les signalements ouverts aujourd'hui (sans réponse finale), quelle que soit leur date, selon depuis combien de temps ils attendent.
tp-chart-backlog = Signalements en attente, par ancienneté
tp-chart-backlog-note = Âge médian : { $median }. Le plus ancien : { $oldest }.
tp-open-reports = Signalements ouverts
tp-age = Attente
tp-age-under-7 = moins de 7 jours
tp-age-7-30 = 7 à 30 jours
tp-age-30-90 = 30 à 90 jours
tp-age-over-90 = 90 jours ou plus
tp-dialogue-heading = Questions et propositions
tp-questions-intro = Les questions publiques posées à la commune pendant la période, et ses réponses officielles.
tp-questions-caption = Questions publiques
tp-questions-asked = Questions posées
tp-questions-answered = Questions qui ont reçu une réponse officielle
tp-questions-on-time = Réponses dans le délai promis
tp-questions-overdue = Questions sans réponse, délai dépassé
tp-questions-redirected = Questions renvoyées vers un signalement
tp-proposals-intro = Une proposition des habitants qui atteint son seuil de soutiens oblige la commune à répondre avant une échéance publique.
tp-proposals-caption = Propositions citoyennes
tp-proposals-submitted = Propositions déposées
tp-proposals-reached = Propositions qui ont atteint leur seuil
tp-proposals-on-time = Réponses données à temps
tp-proposals-late = Réponses données en retard
tp-proposals-awaiting = En attente, échéance pas encore passée
tp-proposals-overdue = Sans réponse, échéance passée
tp-publications-heading = Publications
tp-publications-intro = Ce que publient les deux espaces : la mairie (espace officiel) et le collectif d'habitants (espace citoyen).
tp-chart-publications = Publications par mois
tp-chart-publications-note = Publications de l'espace officiel et de l'espace citoyen, mois par mois.
tp-official = Officielles
tp-citizen = Citoyennes
tp-budgets-heading = Budgets des projets
tp-budgets-intro = Les montants sont ceux que la mairie a publiés pour chaque projet, tels qu'ils sont aujourd'hui.
tp-budget-summary = { $projects } : { $planned } prévus, { $spent } dépensés.
tp-budget-none = Aucun projet publié pour l'instant.
tp-chart-budgets = Budgets prévus et dépensés
tp-chart-budgets-note = { $count ->
    [one] Tous les projets, puis le projet au budget le plus élevé.
   *[other] Tous les projets, puis les { $count } projets aux budgets les plus élevés.
}
tp-all-projects = Tous les projets
tp-planned = Prévu
tp-spent = Dépensé
tp-project = Projet
tp-status = État
tp-progress = Avancement
tp-projects-caption = Les projets aux budgets les plus élevés
tp-project-planned = Prévu
tp-project-in-progress = En cours
tp-project-done = Terminé
tp-project-abandoned = Abandonné
tp-communes-heading = Comparer les communes
tp-communes-of = Communes du département { $value }
tp-communes-all = Toutes les communes, sur les 12 derniers mois
tp-communes-intro = Les chiffres principaux de chaque commune sur les 12 derniers mois. Chaque nom mène au tableau de bord de la commune.
tp-communes-total = { $count ->
    [one] { $count } commune.
   *[other] { $count } communes.
}
tp-communes-none = Aucune commune de ce département n'est sur Miroir.
tp-communes-unavailable = La liste des communes ne peut pas être affichée pour le moment. Réessayez dans un instant.
tp-communes-pages = Pages de la liste des communes
tp-communes-first = Premières communes
tp-communes-next = Communes suivantes
tp-col-commune = Commune
tp-col-departement = Département
tp-col-received = Signalements reçus
tp-col-resolved = Résolus
tp-col-median = Délai médian de première réponse
tp-col-commitment = Réponses dans le délai promis
tp-col-backlog = En attente
tp-col-questions = Questions répondues
tp-col-publications = Publications
tp-share-of = { $share } (sur { $due })
tp-filter-label = Département
tp-filter-hint = Son code : deux caractères (75, 2A, 2B) ou trois en outre-mer (971 à 976). Vide : toute la France.
tp-filter-button = Filtrer
tp-filter-clear = Toutes les communes
tp-departement-link = Le tableau de bord du département { $value }
tp-bad-departement-title = Département inconnu
tp-bad-departement = Un code de département s'écrit avec deux caractères, de 01 à 95, 2A ou 2B, ou trois en outre-mer, de 971 à 976.
tp-bad-months-title = Période impossible
tp-bad-months = Le nombre de mois doit être un nombre entier de 1 à { $value }.
tp-back-to-default = Voir les 12 derniers mois
tp-how-heading = Comment lire ces chiffres
tp-how-period = La période
tp-how-period-text = Les chiffres portent sur { $value }, mois en cours compris, en heure de Paris. Un signalement compte le mois où il est reçu, une résolution le mois où elle a lieu. Les signalements en attente et les budgets des projets sont ceux d'aujourd'hui.
tp-how-median = La médiane
tp-how-median-text = C'est la valeur du milieu : la moitié des délais sont plus courts ou égaux, l'autre moitié plus longs. Contrairement à une moyenne, quelques cas très longs ne la tirent pas vers le haut.
tp-how-p90 = Le 90e centile
tp-how-p90-text = C'est le délai que 9 cas sur 10 n'ont pas dépassé. Il montre les cas lents sans s'arrêter au pire.
tp-how-method = La méthode de calcul
tp-how-method-text = Rang le plus proche : on range les délais du plus court au plus long et on prend celui dont le rang est p % du nombre de cas, arrondi au-dessus. Pas d'arrondi caché ni d'interpolation : chacun peut refaire le calcul avec les données ouvertes.
tp-how-commitment = L'engagement
tp-how-commitment-text = C'est la promesse publique de la commune : donner une première réponse à chaque signalement dans un nombre de jours qu'elle a choisi. Un doublon fusionné avec un autre signalement ne compte pas.
tp-how-source = D'où viennent les chiffres
tp-how-source-text = Ils sont recalculés à partir du journal public des événements (signalements, publications, questions, propositions), que personne ne peut modifier après coup.
tp-how-positions = Journaux lus jusqu'aux positions suivantes : { $value }.
tp-position = { $log } : { $position }
tp-log-identity = communes
tp-log-reports = signalements
tp-log-publications = publications
tp-log-dialogue = questions et propositions

# Données ouvertes
od-title = Données ouvertes
od-intro = Tous les chiffres des tableaux de bord de transparence se téléchargent, pour chaque commune, chaque département et toute la France, avec le journal public des événements de chaque commune.
od-licence-heading = Licence
od-licence-text = Les fichiers sont publiés sous la
od-licence-how = Vous pouvez les copier, les modifier et les réutiliser, y compris commercialement, en mentionnant la source (« Miroir ») et la date de mise à jour des données (le champ computed_at). Chaque fichier rappelle la licence : dans le JSON (champ licence) et dans l'en-tête HTTP Link (rel="license") pour le CSV et le JSON Lines.
od-files-heading = Les fichiers
od-files-intro = Leurs adresses sont stables. Remplacez {"{"}insee{"}"} par le code INSEE de la commune (75056 pour Paris) et {"{"}code{"}"} par le code du département (75, 2A, 974).
od-files-caption = Adresses des fichiers
od-address = Adresse
od-format = Format
od-content = Contenu
od-file-commune = Le tableau de bord d'une commune. ?mois=N choisit la période (1 à 36 mois).
od-file-departement = Le tableau de bord d'un département (la somme de ses communes sur Miroir). ?mois=N aussi.
od-file-national = Le tableau de bord national. ?mois=N aussi.
od-file-communes = Les chiffres principaux de chaque commune, sur les 12 derniers mois, une ligne par commune. ?departement=75 pour un seul département.
od-file-events = Les événements publics d'une commune, dans l'ordre, un objet JSON par ligne : le journal dont les chiffres sont tirés.
od-files-example = Chaque tableau de bord donne les liens de ses propres fichiers.
od-period-heading = Période et méthode
od-period-text = Par défaut, les chiffres couvrent les 12 derniers mois, mois en cours compris, en heure de Paris ; ?mois=N en choisit de 1 à { $value }. Une autre valeur est refusée (HTTP 400). Les signalements en attente et les budgets sont ceux du moment du calcul.
od-method-text = Les médianes et les 90e centiles sont calculés par la méthode du rang le plus proche (nearest rank) sur des durées en secondes, sans interpolation : on range les n durées et on prend celle de rang ⌈p × n / 100⌉.
od-computed-text = Chaque fichier dit quand ses chiffres ont été calculés (computed_at) et jusqu'où chaque journal a été lu (log_positions). Un même chiffre peut avoir jusqu'à une minute de retard sur le site.
od-formats-heading = Formats
od-format-json = JSON : UTF-8, les champs dans l'ordre de la liste ci-dessous ; les montants en euros, les durées en secondes, les parts entre 0 et 1.
od-format-csv = CSV : UTF-8 sans BOM, virgule, guillemets doubles et fin de ligne CRLF (RFC 4180), une ligne d'en-tête, point décimal. Une cellule qui commence par =, +, -, @ ou une tabulation reçoit une apostrophe devant, pour qu'un tableur ne l'exécute pas comme une formule.
od-format-jsonl = JSON Lines : un objet JSON par ligne, envoyé au fil de la lecture (type application/x-ndjson).
od-format-headers = Les fichiers se lisent depuis n'importe quel site (Access-Control-Allow-Origin: *) et peuvent être gardés une minute en cache. Une commune ou un département inconnu donne une erreur 404.
od-fields-heading = Les champs
od-field = Champ
od-meaning = Signification
od-dashboard-fields = Tableau de bord (JSON)
od-dashboard-fields-intro = Dans le CSV, chaque chiffre est une ligne : la colonne indicator donne le chemin du champ (sans crochets), breakdown et label disent de quelle ligne de liste il s'agit.
od-csv-fields = Tableau de bord (CSV) : les colonnes
od-communes-fields = Chaque commune (communes.json et communes.csv)
od-communes-fields-intro = Le CSV a une ligne par commune et une colonne par champ ; le JSON met les mêmes lignes dans la liste communes.
od-communes-wrapper = communes.json : l'enveloppe
od-event-fields = Journal des événements (evenements.jsonl)
od-event-privacy = Sans données personnelles : ni identifiant de compte, ni adresse électronique, ni texte écrit par un habitant (titres et descriptions des signalements, questions, propositions, commentaires). Un signalement anonyme n'y paraît qu'une fois son adresse vérifiée.
od-event-types = Types d'événements et leurs détails

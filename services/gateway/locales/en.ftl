# Miroir — the site's texts in English. Plain language, short sentences.
site-name = Miroir
site-tagline = The commune and its residents answer each other, in public.
skip-to-content = Skip to content
nav-main = Main navigation
nav-communes = Communes
nav-account = My account
nav-signin = Sign in
nav-signup = Create an account
nav-signout = Sign out
nav-admin = Administration
lang-switch = Français
lang-switch-label = Lire cette page en français
footer-text = Miroir is free software serving communes and their residents.
footer-licence = Public data under the Licence Ouverte 2.0.
signed-in-as = Signed in: { $value }

landing-title = Communes on Miroir
landing-intro = Choose your commune to follow its projects, report a problem or ask a question.
search-label = Search for a commune (name or INSEE code)
search-button = Search
search-results = Results for “{ $value }”
no-commune = No commune matches.
commune-department = Department { $value }
more-communes = Next communes

commune-title = { $value }
official-space = Official space
official-space-intro = What the town hall publishes: projects, decisions, official answers.
citizen-space = Citizen space
citizen-space-intro = What residents do: reports, proposals, questions.
collective = Recognised collective: { $value }
commitment = The town hall commits to answer within { $value } days.
latest-reports = Latest reports
see-all-reports = See all reports
official-answers = Official answers
no-official-answer = No official answer yet.
official-publications = Publications
no-publication = No publication yet.
see-citizen-space = See the citizen space, which it answers
see-official-space = See the official space, which answers it
transparency = Transparency
transparency-title = Transparency: { $value }
transparency-intro = These figures are computed from what was published. Nobody can touch them up.
figure-received = Reports received
figure-acknowledged = Reports taken into account
figure-waiting = Reports waiting for an answer
figure-answer-rate = Share of reports taken into account
figure-median = Median time before being taken into account
figure-hours = { $value } h
figure-none = no data yet
figures-table = The figures as a table
figure = Figure
value = Value

reports-title = Reports
reports-intro = A problem in the street, damaged equipment? Report it: the town hall answers in public.
new-report = Report a problem
no-report = No report yet.
reports-count = { $count ->
    [one] { $count } report
   *[other] { $count } reports
}
next-page = Next page
status-new = New
status-acknowledged = Taken into account
reported-on = Reported on { $value }
status-is = Status: { $value }
status-in-progress = In progress
status-resolved = Resolved
status-rejected = Rejected
status-label = Status

report-form-title = Report a problem
report-form-intro = The title and the place are required. Your name is not shown.
field-category = Category
field-title = Title
field-title-hint = 3 to 120 characters, for example “Pothole in front of the school”.
field-description = Description
field-latitude = Latitude
field-longitude = Longitude
field-location-hint = Position in decimal degrees, for example 48.8566 and 2.3522 for Paris.
field-address = Address (optional)
location-legend = Where is the problem?
submit-report = Send the report
category-voirie = Roads
category-eclairage = Street lighting
category-proprete = Cleanliness
category-securite = Safety
category-espaces-verts = Green spaces
category-autre = Other

report-timeline = Public history
timeline-submitted = Report received
timeline-acknowledged = Official answer of the town hall
timeline-in-progress = The town hall started the work
timeline-resolved = The town hall says it is fixed
timeline-rejected = The town hall will not act, and says why
timeline-reopened = Reopened by the person who reported it
step-title = Next step (town hall)
field-next-status = New status
field-step-message = Public message (required for a rejection: the reason)
step-button = Save the step
reopen-title = Is the problem back?
field-reopen-message = Say what you see
reopen-button = Reopen the report
acknowledge-title = Answer on behalf of the town hall
field-message = Public message
acknowledge-button = Take into account
location = Place
back-to-reports = Back to the reports

signup-title = Create an account
signup-intro = An account lets you follow your reports and take part. You may use a pseudonym.
field-email = E-mail address
field-password = Password
field-password-hint = At least 10 characters. A short sentence is easy to remember.
field-display-name = Display name (a pseudonym is fine)
field-commune = Your commune (INSEE code, optional)
signup-button = Create my account
have-account = Already have an account? Sign in
signin-title = Sign in
signin-button = Sign in
no-account = No account yet? Create one
forgot-password = Forgot your password?
signup-done = Your account is created. A verification link is sent to you by e-mail.

account-title = My account
account-email = E-mail address: { $value }
account-verified = Address verified
account-not-verified = Address not verified yet
account-roles = My roles
role-in = { $value }
profile-title = My profile
profile-button = Save
profile-saved = Your profile is saved.
export-title = My data
export-intro = Download everything Miroir knows about your account, in a readable file (JSON).
export-button = Download my data
delete-title = Delete my account
delete-intro = Your personal data will be erased. What you published stays visible, signed “deleted account”. This cannot be undone.
delete-password = Your password, to confirm
delete-button = Delete my account for good
deleted-done = Your account is deleted and your personal data erased.
verify-done = Thank you, your e-mail address is verified.

reset-title = Forgot your password
reset-intro = Enter your e-mail address: if an account exists, a link to choose a new password is sent to you.
reset-request-button = Send me a link
reset-sent = If an account exists for this address, a link has been sent to it.
reset-new-password = New password
reset-button = Change my password
reset-done = Your password is changed. You can sign in.

admin-title = Administration: { $value }
roles-title = Roles
grant-title = Give a role
field-role = Role
field-department = Department (for an agent, optional)
field-reason = Reason (public to administrators)
grant-button = Give the role
granted-done = The role is given.
role-history = History of roles
history-granted = given
history-revoked = removed
history-by = by { $value }
no-history = No role change.
clients-title = Integration clients (the city's IT)
client-create-title = Create a client
field-client-name = Client name
field-scopes = Permissions
client-button = Create the client
client-secret-once = Copy this secret now: it will never be shown again.
client-revoke = Revoke
client-revoked = revoked
no-client = No integration client.
role-resident = Resident
role-collective_member = Collective member
role-collective_moderator = Collective moderator
role-agent = Town hall agent
role-elected_official = Elected official
role-commune_admin = Commune administrator
role-operator = National operator

error-title = Something went wrong
error-not-found = This page does not exist.
error-forbidden = You do not have access to this page.
error-signin-needed = Sign in to continue.
error-unavailable = The service is unavailable for a moment. Try again shortly.
error-internal = Something went wrong on our side. Try again later.
error-csrf = The form has expired. Reload the page and try again.
error-too-many = Too many submissions in a short time. Wait a minute.
form-errors-title = The form has errors:
back-home = Back to the home page

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

invalid-title = The title must be 3 to 120 characters long.
invalid-description = The description is too long (5,000 characters at most).
invalid-category = Choose a category from the list.
invalid-location = The place must be in France: check the latitude and longitude.
invalid-latitude = The latitude must be a number, for example 48.8566.
invalid-longitude = The longitude must be a number, for example 2.3522.
invalid-address = The address is too long (200 characters at most).
invalid-email = Enter an e-mail address like name@example.com.
invalid-password = The password must be at least 10 characters long and not too common.
invalid-new_password = The password must be at least 10 characters long and not too common.
invalid-display_name = The display name must be 2 to 60 characters long.
invalid-commune = This INSEE code matches no commune on Miroir.
invalid-message = The message is too long (2,000 characters at most).
invalid-reason = The reason is too long (500 characters at most).
invalid-department = A department is only given to an agent.
invalid-scopes = Tick at least one permission.
wrong-credentials = Wrong e-mail address or password.
email-taken = An account already uses this e-mail address. Sign in, or choose “Forgot your password”.
link-invalid = This link is no longer valid: it was already used or it has expired.
account-not-found = No account uses this e-mail address.
invalid-step_message = A rejection must say why, in public (2,000 characters at most).
invalid-reopen_message = The message is too long (2,000 characters at most).

# Reports: list, map, filters
nav-queue = Reports to handle
status-merged = Merged with another
timeline-assigned = The town hall passed the report to a department
timeline-merged = Merged with a report of the same problem
photo-alt = Photo { $value } of the report
supports-count = { $count ->
    [0] Nobody supports this report yet
    [one] { $count } person supports this report
   *[other] { $count } people support this report
}
filters-title = Filter the reports
field-filter-status = Status
filter-status-all = Any status
filter-status-open = Waiting or in progress
filter-category-all = Every category
field-filter-department = Town hall department
field-filter-text = Words to look for (title, description, address)
field-filter-from = Reported from
field-filter-to = Reported until
field-sort = Order
sort-newest = Newest first
sort-most-supported = Most supported first
filter-button = Filter
filter-reset = Clear the filters
filter-area-on = Only the reports of the area chosen on the map are shown.
filter-area-off = Show those of the whole commune
invalid-filter-status = Choose a status from the list.
invalid-filter-date = Give a date as day, month, year (for example 21/11/2026).
invalid-filter-area = The area chosen on the map is not valid: it is left out.
invalid-filter-sort = Choose an order from the list.
list-title = List of the reports
pager-label = Pages of the list
first-page = First page
map-title = Map of the reports
map-list-hint = Each marker is a report of this page of the list. Move the map, then choose "Search this area".
map-search-area = Search this area
map-zoom-in = Zoom in
map-zoom-out = Zoom out
map-pick-hint = You can also click on the map where the problem is: the latitude and longitude are filled in.
map-pick-label = Map to choose where the problem is
map-chosen-place = Chosen place
map-report-label = Map of where the report is

# Reports: the form
report-form-anonymous = Without an account, give your e-mail address: we send you a link to confirm the report. Have an account?
field-category-choose = Choose a category
field-choose = Choose
required-mark = (required)
questions-legend = Questions for the category "{ $value }"
questions-hint = Only answer the questions of the category you chose.
field-photos = Photos (optional)
field-photos-hint = Up to 5 photos, JPEG, PNG or WebP, 5 MB each at most. Hidden information in the photos (place, camera) is removed.
photos-dropped = The photos you chose were not kept: choose them again before sending.
field-reporter-email = Your e-mail address
field-reporter-email-hint = To confirm the report. It is never shown in public; only the town hall sees it.
submit-report-anyway = Send my report anyway
duplicates-title = Is it one of these reports?
duplicates-intro = Reports of the same category are already open less than 50 metres away. If it is the same problem, support it instead: the town hall sees how many people it concerns.
duplicates-otherwise = None of them? Check the form below and send your report.
support-instead = Support this report
support-signin = Sign in to support this report
distance-metres = { $value } m away
check-email-title = Check your e-mail
check-email-text = Your report is saved. We sent you a link by e-mail: follow it to confirm your address. The report becomes public then.
report-verified-title = Report confirmed
report-verified-text = Thank you, your address is confirmed: your report is now public.
see-your-report = See your report
invalid-photos = Photos must be JPEG, PNG or WebP images.
invalid-photos-count = You can attach 5 photos at most.
invalid-photos-size = Each photo must be 5 MB at most.
invalid-attribute-required = Answer the question "{ $value }".
invalid-attribute-number = The answer to "{ $value }" must be a number.
invalid-email-needed = Give your e-mail address, or sign in.
invalid-reporter_email = Give an e-mail address such as name@example.org.
error-too-large = What you sent is too large (photos too heavy?).
error-bad-form = The form sent cannot be read. Reload the page and try again.

# Reports: a report's page
report-department = Department: { $value }
report-not-verified = This report waits for its reporter to confirm their e-mail address: it is not public yet.
report-merged-into = This report describes the same problem as another one: it was merged into it.
report-merged-into-link = See the report that is followed
report-photos = Photos
supports-title = Supports
support-button = Me too, this concerns me
you-support = You support this report.
you-reported = You made this report.
staff-title = For the town hall
staff-intro = Only the commune's agents and administrators see this part.
reporter-email = The reporter's e-mail address (never public): { $value }
assign-title = Department and agent
assigned-nobody = Not passed to any department yet.
assigned-to = followed by { $value }
field-assign-department = Department
field-assign-agent = Agent (optional)
field-assign-agent-hint = The agent's account id, or their e-mail address (administrators only). Empty: the whole department.
assign-button = Assign
assign-to-me = Assign to me
assign-lookup-admin-only = Only administrators can look an account up by e-mail address: give the account id.
invalid-agent = This agent is not known: give their account id.
invalid-assign-department = The department's name is too long.
notes-title = Internal notes
notes-none = No internal note.
notes-unavailable = The internal notes cannot be read right now.
field-note = New note (only the town hall sees it)
note-button = Add the note
invalid-note = Write the note (2,000 characters at most).
merge-title = Merge a duplicate
merge-intro = If this report describes the same problem as another one, merge it into the one you keep: it is closed and its supporters move to the other one.
field-merge-into = Report kept
field-merge-into-hint = Its id, or the address of its page.
field-merge-message = Public message (optional)
merge-button = Merge into this report
invalid-into = Give another report of the commune: its id or the address of its page.
invalid-merge_message = The message is too long (2,000 characters at most).
you = you
account-ref = account { $value }

# Reports to handle (agents)
queue-title = Reports to handle: { $value }
queue-intro = Tick reports to acknowledge them together, with one public message.
filter-mine = Only those assigned to me
queue-list-title = Reports
queue-empty = No report matches.
queue-caption = Reports matching the filters
queue-select = Select
queue-select-one = Select "{ $value }"
queue-submitted = Received on
queue-assignment = Department and agent
queue-not-verified = address not confirmed
field-bulk-message = Public message for the ticked reports
field-bulk-message-hint = It shows in the public timeline of each.
bulk-acknowledge-button = Acknowledge the ticked reports
bulk-none-selected = Tick at least one report.
bulk-too-many = Tick 100 reports at most at a time.
bulk-result-title = Acknowledging the ticked reports
bulk-done-count = { $count ->
    [0] No report was acknowledged.
    [one] { $count } report acknowledged:
   *[other] { $count } reports acknowledged:
}
bulk-failed-count = { $count ->
    [one] { $count } report could not be acknowledged:
   *[other] { $count } reports could not be acknowledged:
}
bulk-failed-state = it was already acknowledged, or it is closed.
back-to-queue = Back to the reports to handle

# Categories (administrators)
admin-reports-title = Reports
admin-categories-link = Report categories
categories-title = Report categories: { $value }
categories-intro = Residents choose a category when they report a problem. Each category can go to a department and ask extra questions.
categories-list-title = The categories
categories-none = No category.
categories-questions = Questions
categories-actions = Actions
category-active = in use
category-retired = retired
category-edit = Edit
category-form-new = New category
category-form-edit = Edit the category
category-form-new-link = Create a new category instead
field-category-code = Code
field-category-code-hint = 1 to 64 characters: lower-case letters without accents, digits, - and _. An existing code replaces that category.
field-category-name = Name
field-category-description = Description
field-category-department = Town hall department
field-category-department-hint = New reports of this category go to it. Empty: none.
field-category-keywords = Keywords
field-category-keywords-hint = Separated by commas, for searching.
field-category-active = In use (untick to retire the category: its reports keep it)
questions-title = Extra questions
questions-intro = Each block is a question asked to residents who choose this category. To remove a question, empty its code and text. Two empty blocks let you add some; save to get more.
question-legend = Question { $value }
field-question-code = Code of the question
field-question-text = Question asked
field-question-type = Kind of answer
field-question-required = Answer required
field-question-values = Possible choices (for a list)
field-question-values-hint = One choice per line, as "code = label", for example "large = Larger than a plate". The code (lower case without accents, digits, - and _) may be left out: it is then made from the label.
datatype-string = Short text
datatype-text = Long text
datatype-number = Number
datatype-datetime = Date
datatype-single = One choice from a list
datatype-multi = Several choices from a list
category-save = Save the category
category-saved = The category is saved.
invalid-category-code = The code must be 1 to 64 characters: lower-case letters without accents, digits, - and _.
invalid-category-name = The name is required (80 characters at most).
invalid-question-code = Question { $value }: the code must be 1 to 64 characters (lower case without accents, digits, - and _).
invalid-question-code-taken = Question { $value }: another question already has this code.
invalid-question-text = Question { $value }: write the question (300 characters at most).
invalid-question-type = Question { $value }: choose a kind of answer from the list.
invalid-question-values = Question { $value }: one choice per line, "code = label"; the code in lower case without accents, digits, - and _, no code twice; the label of 100 characters at most.
invalid-question-no-values = Question { $value }: a list needs at least one choice.
invalid-question-values-not-list = Question { $value }: choices are only for lists; empty them or choose a "list" kind.
invalid-category-keywords = 20 keywords at most, of 40 characters at most each, separated by commas.
invalid-category-description = The description is too long (500 characters at most).
invalid-category-department = The department's name is too long (80 characters at most).
invalid-attribute = Check the answer to "{ $value }".

## dialogue
# Questions, proposals, comments and moderation (issue 6). Keys start with dlg-.
dlg-questions-title = Questions to the commune
dlg-questions-intro = Ask the town hall a public question: it answers officially, here, within the time it committed to.
dlg-questions-filter = Filter the questions
dlg-filter-all = All
dlg-filter-overdue = Overdue only
dlg-filter-awaiting = Awaiting an owed answer
dlg-no-question = No question yet.
dlg-no-overdue-question = No overdue question: the town hall keeps its commitment.
dlg-question-open = Awaiting an answer
dlg-question-answered = Answered
dlg-question-redirected = Sent to a report
dlg-question-hidden = Question hidden by moderation
dlg-overdue = Overdue
dlg-asked-on = Asked on
dlg-you-asked = You asked this question on
dlg-answer-due = answer expected by
dlg-commitment = { $count ->
    [one] the commune's commitment: an answer within { $count } day
   *[other] the commune's commitment: an answer within { $count } days
}
dlg-answer-delay = { $count ->
    [0] Answered the same day
    [one] Answered in { $count } day
   *[other] Answered in { $count } days
}
dlg-on-time = on time
dlg-late = later than committed
dlg-official-answer = Official answer
dlg-redirected-title = Sent to a report
dlg-redirected-link = Follow the report
dlg-ask-link = Ask a question
dlg-ask-title = Ask a question
dlg-ask-intro = Your question and the town hall's answer will be public.
dlg-ask-button = Publish the question
dlg-ask-signin = Sign in to ask a question.
dlg-field-question-title = Your question, in one sentence
dlg-field-question-title-hint = For example: "Will the swimming pool open on Sundays this summer?"
dlg-field-question-body = Details
dlg-question-already = This question is already published.
dlg-question-answered-already = This question has already been answered.
dlg-question-not-open = This question no longer awaits an answer: it was answered or sent to a report.
dlg-answer-title = Answer on behalf of the commune
dlg-answer-proposal-title = Answer the proposal on behalf of the commune
dlg-answer-intro = The answer is published as the commune's official answer.
dlg-answer-button = Publish the official answer
dlg-field-answer = Answer
dlg-redirect-title = Send to a report
dlg-redirect-intro = If the question describes a problem in a public place, follow it as a report: the question says so publicly.
dlg-redirect-button = Send
dlg-field-report = Report
dlg-field-report-hint = The report's id, or the address of its page.
dlg-field-redirect-message = Public message
dlg-back-to-questions = Back to the questions
dlg-proposals-title = Citizen proposals
dlg-proposals-intro = Propose an idea for the commune and support other residents' ideas.
dlg-threshold-intro = { $count ->
    [one] The town hall undertakes to answer any new proposal from { $count } support.
   *[other] The town hall undertakes to answer any new proposal that gathers { $count } supports.
}
dlg-proposals-filter = Filter the proposals
dlg-no-proposal = No proposal yet.
dlg-no-awaiting-proposal = No proposal is awaiting the town hall's answer.
dlg-proposal-open = Open for support
dlg-proposal-awaiting = Threshold reached: the town hall owes an answer
dlg-proposal-answered = Answered
dlg-proposal-hidden = Proposal hidden by moderation
dlg-supports = { $count ->
    [0] No support
    [one] { $count } support
   *[other] { $count } supports
}
dlg-threshold = { $count ->
    [one] of the { $count } needed to oblige the town hall to answer.
   *[other] of the { $count } needed to oblige the town hall to answer.
}
dlg-proposal-answer-due = The town hall's answer is due by
dlg-proposal-threshold-reached = The threshold was reached: the town hall had to answer.
dlg-submitted-on = Proposed on
dlg-you-proposed = You made this proposal on
dlg-supports-title = Supports
dlg-support-button = I support this proposal
dlg-support-signin = Sign in to support this proposal.
dlg-you-support = You support this proposal.
dlg-your-proposal = This is your proposal: other residents can support it.
dlg-support-already = You already support this proposal: one support per account.
dlg-support-not-possible = This proposal cannot take your support: it is yours, or the town hall has already answered it.
dlg-propose-link = Make a proposal
dlg-propose-title = Make a proposal
dlg-propose-button = Publish the proposal
dlg-propose-signin = Sign in to make a proposal.
dlg-field-proposal-title = Your proposal, in one sentence
dlg-field-proposal-body = Description
dlg-field-proposal-body-hint = What you propose, where, and why.
dlg-proposal-already = This proposal is already published.
dlg-proposal-answered-already = The town hall has already answered this proposal.
dlg-back-to-proposals = Back to the proposals
dlg-comments-title = { $count ->
    [0] Comments
    [one] { $count } comment
   *[other] { $count } comments
}
dlg-comments-unavailable = Comments are unavailable for a moment.
dlg-no-comment = No comment yet.
dlg-official-badge = Official word of the commune
dlg-replies-label = Replies
dlg-reply-summary = Reply
dlg-reply-title = Your reply
dlg-reply-button = Publish the reply
dlg-field-reply = Your reply
dlg-comment-title = Your comment
dlg-comment-button = Publish the comment
dlg-field-comment = Your comment
dlg-field-comment-hint = Public. Stay courteous: comments are moderated.
dlg-comment-signin = Sign in to comment.
dlg-comment-already = This comment is already published.
dlg-comment-hidden-because = Comment hidden by moderation: { $value }
dlg-hidden-because = Public reason: { $value }
dlg-author-you = You
dlg-author-official = The town hall
dlg-author-resident = Resident no. { $value }
dlg-flag-summary = Flag
dlg-flag-title = Flag content
dlg-flag-button = Flag to the moderators
dlg-field-flag-reason = What is wrong with this content?
dlg-flag-already = You have already flagged this content.
dlg-flagged-text = Thank you: your flag is sent to the moderators. It is not public.
dlg-hide-summary = Hide (moderation)
dlg-hide-title = Hide content
dlg-hide-button = Hide
dlg-field-hide-reason = Public reason for hiding
dlg-field-hide-reason-hint = Shown instead of the content and in the public moderation log.
dlg-hide-already = This content is already hidden.
dlg-hide-restored = This content was restored after an appeal: it can no longer be hidden.
dlg-appeal-summary = Appeal the hiding
dlg-appeal-title = Appeal a hiding
dlg-appeal-button = Send the appeal
dlg-field-appeal-reason = Why is this hiding not justified?
dlg-field-appeal-reason-hint = Your reasons go to the moderators; the public log only says that an appeal was made. A hiding can be appealed once.
dlg-appeal-already = You have already appealed this hiding: one appeal per hiding.
dlg-appeal-not-hidden = This content is not hidden: there is nothing to appeal.
dlg-appealed-text = Your appeal is sent to the moderators. Their decision will be public in the moderation log.
dlg-resolve-title = Decide an appeal
dlg-resolve-button = Publish the decision
dlg-resolve-decision = Decision
dlg-resolve-restore = Restore the content
dlg-resolve-dismiss = Keep it hidden
dlg-field-resolve-reason = Public reason for the decision
dlg-resolve-already = This appeal has already been decided.
dlg-resolve-none = There is no appeal to decide.
dlg-invalid-reason = Give a reason of 3 to 2,000 characters.
dlg-thanks-title = Thank you
dlg-back = Back
dlg-not-allowed = You do not hold the role needed to do this.
dlg-too-many = You have posted a lot in a short time: please wait a few minutes before posting again. Your text is kept below.
dlg-invalid-title = The title must be 3 to 150 characters long.
dlg-invalid-body = The text must be 1 to 5,000 characters long.
dlg-invalid-answer = Write the answer (at most 5,000 characters).
dlg-invalid-comment = Write a comment of at most 3,000 characters.
dlg-invalid-reply-to = Replies go to a first-level comment of this page only.
dlg-invalid-target = This content cannot be commented on.
dlg-invalid-report = Give a report of the commune: its id or the address of its page.
dlg-invalid-message = The message is too long (at most 2,000 characters).
dlg-log-citizen-title = Moderation log of the citizen space
dlg-log-official-title = Moderation log of the official space
dlg-log-citizen-intro = Every hiding of residents' questions, proposals and comments, every appeal and every decision, with its public reason.
dlg-log-official-intro = Every hiding of the commune's official words, every appeal and every decision, with its public reason.
dlg-log-empty = No moderation act yet.
dlg-log-caption = Moderation acts, newest first
dlg-log-when = Date
dlg-log-act = Act
dlg-log-what = Content
dlg-log-by = By
dlg-log-reason = Public reason
dlg-log-hidden = Hidden
dlg-log-appealed = Appealed by its author
dlg-log-restored = Restored
dlg-log-appeal-dismissed = Hiding upheld
dlg-by-author = the author
dlg-by-collective = the collective's moderation
dlg-by-commune = the town hall
dlg-what-question = a question
dlg-what-proposal = a proposal
dlg-what-comment = a comment
dlg-queue-title = Moderation
dlg-queue-intro = Content flagged by residents, oldest first, and the appeals to decide. The collective moderates residents' content, the town hall its own words.
dlg-appeals-title = Appeals to decide
dlg-no-appeal = No appeal waiting.
dlg-flagged-title = Flagged content
dlg-no-flagged = No flagged content.
dlg-flags = { $count ->
    [one] { $count } flag
   *[other] { $count } flags
}
dlg-last-flag = last on
dlg-official-content = official word
dlg-is-hidden = Hidden
dlg-other-space = For the other space's moderators.
dlg-settings-title = Dialogue — { $value }
dlg-settings-intro = The threshold applies to new proposals: each keeps the one in force when it was published.
dlg-settings-saved = The threshold is saved.
dlg-settings-button = Save
dlg-field-threshold = Number of supports that obliges the town hall to answer
dlg-field-threshold-hint = A whole number, from 1.
dlg-invalid-threshold = Give a whole number of supports, from 1.

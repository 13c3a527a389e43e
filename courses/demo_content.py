"""The demo courses' text, in Khmer and English. Fictional organisations, real practice.

Each course: its catalogue facts, then per language (``km`` and/or ``en``)
the title, summary, outcomes and lessons. A lesson is a title, an intro,
paragraphs, an optional callout and an optional quiz; modules group lessons
when a course has them. Quizzes have the same structure in both languages,
as a Wagtail translation keeps it.
"""

# ruff: noqa: E501

COURSES = [
    {
        "slug": "documenting-human-rights-cases",
        "topics": ["human-rights", "legal-aid"],
        "languages": ["km", "en"],
        "level": "introductory",
        "format": "self-paced",
        "hours": "3",
        "featured": True,
        "colour": (11, 79, 108),
        "km": {
            "title": "ការចងក្រងឯកសារករណីរំលោភសិទ្ធិមនុស្ស",
            "summary": "រៀនកត់ត្រាអ្វីដែលបានកើតឡើងឱ្យបានត្រឹមត្រូវ និងដោយសុវត្ថិភាព ដើម្បីគាំទ្រជនរងគ្រោះ និងការតស៊ូមតិ។",
            "outcomes": [
                "ពន្យល់ពីមូលហេតុដែលការចងក្រងឯកសារដោយប្រុងប្រយ័ត្នមានសារៈសំខាន់",
                "សម្ភាសសាក្សីដោយមានការយល់ព្រមពីគាត់",
                "រក្សាទុកឯកសារករណីឱ្យនៅជាការសម្ងាត់",
            ],
            "lessons": [
                {
                    "title": "ហេតុអ្វីយើងចងក្រងឯកសារ",
                    "intro": "ឯកសារល្អអាចការពារសិទ្ធិរបស់មនុស្សបានច្រើនឆ្នាំក្រោយ។",
                    "paragraphs": [
                        "ករណីដែលបានចងក្រងឯកសារបានល្អ អាចយកទៅតុលាការ អ្នករាយការណ៍ពិសេសរបស់អង្គការសហប្រជាជាតិ ឬរបាយការណ៍ជូនម្ចាស់ជំនួយបាន ទោះបីជាច្រើនឆ្នាំក្រោយក៏ដោយ។ ករណីដែលចងក្រងមិនបានល្អ ងាយនឹងត្រូវគេបដិសេធ។",
                        "ការចងក្រងឯកសារល្អ ឆ្លើយសំណួរប្រាំមួយ៖ នរណា អ្វី ពេលណា នៅឯណា យ៉ាងដូចម្តេច និងនរណាជាអ្នកទទួលខុសត្រូវ។ សរសេរតែអ្វីដែលអ្នកបានឃើញ ឬអ្វីដែលគេបានប្រាប់អ្នក ហើយបញ្ជាក់ឱ្យច្បាស់ថាមួយណាជាមួយណា។",
                    ],
                    "callout": ("tip", "គន្លឹះ", "សរសេរទុកនៅថ្ងៃដដែល ព្រោះការចងចាំបាត់បង់យ៉ាងឆាប់។"),
                },
                {
                    "title": "ការសម្ភាសដោយមានការយល់ព្រម",
                    "intro": "ការយល់ព្រមមកមុនសំណួរទីមួយ។",
                    "paragraphs": [
                        "មុនពេលសម្ភាស សូមពន្យល់ថាអ្នកជានរណា ហេតុអ្វីអ្នកសួរ នរណានឹងឃើញព័ត៌មាននេះ និងអ្វីដែលអាចកើតឡើងប្រសិនបើគេដឹង។ បន្ទាប់មក សួរថាតើគាត់យល់ព្រមឬទេ ហើយគោរពចម្លើយ «ទេ» របស់គាត់។",
                        "ទុកឱ្យគាត់និយាយរឿងរបស់គាត់តាមពាក្យសម្តីរបស់គាត់ផ្ទាល់។ សួរសំណួរបើកចំហ ដូចជា «តើមានអ្វីកើតឡើងបន្ទាប់?» ជាជាងសំណួរដែលណែនាំចម្លើយ។",
                    ],
                },
                {
                    "title": "ការរក្សាឯកសារឱ្យមានសុវត្ថិភាព",
                    "intro": "ឯកសារដែលបែកធ្លាយអាចធ្វើឱ្យសាក្សីប្រឈមនឹងគ្រោះថ្នាក់។",
                    "paragraphs": [
                        "ប្រើលេខកូដជំនួសឈ្មោះរបស់បុគ្គលនៅក្នុងកំណត់ត្រារបស់អ្នក ហើយរក្សាបញ្ជីដែលភ្ជាប់លេខកូដទៅនឹងឈ្មោះ នៅកន្លែងដាច់ដោយឡែកដែលចាក់សោ។ ធ្វើកូដនីយកម្មទូរស័ព្ទ ឬកុំព្យូទ័រដែលអ្នកប្រើ ហើយកុំផ្ញើឯកសារករណីតាមក្រុមបណ្តាញសង្គមសាធារណៈ។",
                    ],
                    "quiz": {
                        "title": "ពិនិត្យការយល់ដឹងរបស់អ្នក",
                        "pass_mark": 60,
                        "questions": [
                            (
                                "តើអ្នកត្រូវការការយល់ព្រមពីនរណា មុនពេលកត់ត្រាការសម្ភាស?",
                                "single",
                                [
                                    (
                                        "បុគ្គលដែលត្រូវបានសម្ភាស",
                                        True,
                                        "ត្រូវហើយ។ ការយល់ព្រមជារឿងផ្ទាល់ខ្លួន ហើយអាចដកវិញបានគ្រប់ពេល។",
                                    ),
                                    (
                                        "មេភូមិ",
                                        False,
                                        "មិនត្រូវទេ។ អាជ្ញាធរមូលដ្ឋានមិនអាចយល់ព្រមជំនួសអ្នកដទៃបានទេ។",
                                    ),
                                    (
                                        "នាយកអង្គការរបស់អ្នក",
                                        False,
                                        "មិនត្រូវទេ។ ការអនុញ្ញាតពីនាយកមិនជំនួសការយល់ព្រមរបស់បុគ្គលនោះទេ។",
                                    ),
                                ],
                            ),
                            (
                                "តើមួយណាខ្លះជួយរក្សាឯកសារករណីឱ្យមានសុវត្ថិភាព?",
                                "multiple",
                                [
                                    (
                                        "ប្រើលេខកូដជំនួសឈ្មោះ",
                                        True,
                                        "ត្រូវហើយ៖ ប្រសិនបើសៀវភៅកត់ត្រាបាត់ ក៏គ្មាននរណាត្រូវបានលាតត្រដាងដែរ។",
                                    ),
                                    (
                                        "ធ្វើកូដនីយកម្មទូរស័ព្ទរបស់អ្នក",
                                        True,
                                        "ត្រូវហើយ៖ កូដនីយកម្មការពារឯកសារ ប្រសិនបើទូរស័ព្ទត្រូវគេយកទៅ។",
                                    ),
                                    (
                                        "ចែករំលែកឯកសារក្នុងក្រុមហ្វេសប៊ុកសាធារណៈ",
                                        False,
                                        "មិនត្រូវទេ៖ នរណាក៏អាចចូលក្រុមបែបនេះបានដែរ។",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
        "en": {
            "title": "Documenting human rights cases",
            "summary": "Learn to record what happened accurately and safely, to support survivors and advocacy.",
            "outcomes": [
                "Explain why careful documentation matters",
                "Interview a witness with their informed consent",
                "Store case records so that they stay confidential",
            ],
            "lessons": [
                {
                    "title": "Why we document",
                    "intro": "Good records can protect people's rights years later.",
                    "paragraphs": [
                        "A well-documented case can reach a court, a UN special rapporteur or a donor report years after it happened. A badly documented one is easily dismissed.",
                        "Good documentation answers six questions: who, what, when, where, how and who was responsible. Write down only what you saw or were told, and say which is which.",
                    ],
                    "callout": ("tip", "Tip", "Write it down the same day: memories fade quickly."),
                },
                {
                    "title": "Interviewing with consent",
                    "intro": "Consent comes before the first question.",
                    "paragraphs": [
                        "Before the interview, explain who you are, why you are asking, who will see the information and what could happen if it becomes known. Then ask whether the person agrees, and respect a no.",
                        "Let the person tell their story in their own words. Ask open questions such as “What happened next?” rather than questions that suggest an answer.",
                    ],
                },
                {
                    "title": "Keeping records safe",
                    "intro": "A leaked file can put a witness in danger.",
                    "paragraphs": [
                        "Use a code instead of the person's name in your notes, and keep the list that links codes to names in a separate, locked place. Encrypt the phone or laptop you use, and never send case files through public social media groups.",
                    ],
                    "quiz": {
                        "title": "Check your understanding",
                        "pass_mark": 60,
                        "questions": [
                            (
                                "Whose consent do you need before recording an interview?",
                                "single",
                                [
                                    (
                                        "The person being interviewed",
                                        True,
                                        "Yes. Consent is personal and can be withdrawn at any time.",
                                    ),
                                    (
                                        "The village chief",
                                        False,
                                        "No. Local authorities cannot consent for someone else.",
                                    ),
                                    (
                                        "Your organisation's director",
                                        False,
                                        "No. Your director's approval does not replace the person's consent.",
                                    ),
                                ],
                            ),
                            (
                                "Which of these keep case records safe?",
                                "multiple",
                                [
                                    (
                                        "Using codes instead of names",
                                        True,
                                        "Right: a lost notebook then reveals no one.",
                                    ),
                                    (
                                        "Encrypting your phone",
                                        True,
                                        "Right: encryption protects the files if the phone is taken.",
                                    ),
                                    (
                                        "Sharing files in a public Facebook group",
                                        False,
                                        "No: anyone can join such groups.",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
    },
    {
        "slug": "referring-survivors-of-gender-based-violence",
        "topics": ["gender-equality", "safeguarding"],
        "languages": ["km", "en"],
        "level": "introductory",
        "format": "cohort",
        "hours": "4",
        "featured": True,
        "colour": (138, 48, 94),
        "km": {
            "title": "ការបញ្ជូនជនរងគ្រោះដោយអំពើហិង្សាផ្អែកលើយេនឌ័រ",
            "summary": "របៀបឆ្លើយតបនៅពេលមាននរណាម្នាក់ប្រាប់អ្នកអំពីអំពើហិង្សា និងរបៀបបញ្ជូនគាត់ទៅកាន់សេវាសុខភាព សេវាផ្លូវច្បាប់ និងកន្លែងស្នាក់នៅបណ្តោះអាសន្ន នៅក្នុងខេត្តរបស់អ្នក។",
            "outcomes": [
                "ឆ្លើយតបដោយការគោរព នៅពេលមាននរណាម្នាក់ប្រាប់អ្នកអំពីអំពើហិង្សា",
                "បញ្ជូនជនរងគ្រោះទៅសេវាដែលគាត់ជ្រើសរើស",
            ],
            "lessons": [
                {
                    "title": "ស្តាប់ជាមុនសិន",
                    "intro": "ប្រតិកម្មដំបូងរបស់អ្នកមានសារៈសំខាន់ណាស់។",
                    "paragraphs": [
                        "នៅពេលស្ត្រីម្នាក់ប្រាប់អ្នកអំពីអំពើហិង្សា សូមស្តាប់ដោយមិនវិនិច្ឆ័យ និងមិនសួររកព័ត៌មានលម្អិតដែលគាត់មិនចង់ប្រាប់។ ប្រាប់គាត់ថា វាមិនមែនជាកំហុសរបស់គាត់ទេ ហើយមានជំនួយសម្រាប់គាត់។",
                        "តួនាទីរបស់អ្នកមិនមែនជាការស៊ើបអង្កេតទេ។ តួនាទីរបស់អ្នកគឺធ្វើឱ្យប្រាកដថា គាត់មានសុវត្ថិភាពនៅពេលនេះ ហើយដឹងពីជម្រើសរបស់គាត់។",
                    ],
                },
                {
                    "title": "ការធ្វើការបញ្ជូន",
                    "intro": "ស្គាល់សេវានៅក្នុងខេត្តរបស់អ្នក មុនពេលអ្នកត្រូវការវា។",
                    "paragraphs": [
                        "រក្សាបញ្ជីសេវាដែលទាន់សម័យនៅក្នុងខេត្តរបស់អ្នក៖ មណ្ឌលសុខភាព ឬមន្ទីរពេទ្យបង្អែក មន្ទីរកិច្ចការនារីខេត្ត អង្គការជំនួយផ្លូវច្បាប់ និងផ្ទះសុវត្ថិភាព។ ទូរស័ព្ទទៅជាមុនប្រសិនបើអាចធ្វើបាន ហើយសួរជនរងគ្រោះថា តើគាត់ចង់ទាក់ទងសេវាមួយណាមុនគេ។",
                        "ចែករំលែកតែព័ត៌មានដែលសេវានោះត្រូវការ ហើយលុះត្រាតែគាត់យល់ព្រម។",
                    ],
                    "callout": (
                        "warning",
                        "សុវត្ថិភាពមុនគេ",
                        "ប្រសិនបើគាត់កំពុងប្រឈមនឹងគ្រោះថ្នាក់ភ្លាមៗ សុវត្ថិភាពរបស់គាត់សំខាន់ជាងឯកសារណាមួយ។",
                    ),
                    "quiz": {
                        "title": "ពិនិត្យការយល់ដឹងរបស់អ្នក",
                        "pass_mark": 100,
                        "questions": [
                            (
                                "ស្ត្រីម្នាក់ប្រាប់អ្នកថា ប្តីរបស់គាត់វាយគាត់។ តើអ្នកធ្វើអ្វីជាមុនសិន?",
                                "single",
                                [
                                    (
                                        "ស្តាប់ ជឿគាត់ ហើយសួរថាតើគាត់មានសុវត្ថិភាពឬទេនៅពេលនេះ",
                                        True,
                                        "ត្រូវហើយ។ សុវត្ថិភាព និងទំនុកចិត្តមកមុនគេ។",
                                    ),
                                    (
                                        "សួររកព័ត៌មានលម្អិតទាំងអស់ ដើម្បីសរសេររបាយការណ៍ពេញលេញ",
                                        False,
                                        "មិនត្រូវទេ។ គាត់ជាអ្នកសម្រេចថាចង់ប្រាប់អ្វីខ្លះ។",
                                    ),
                                    (
                                        "ទូរស័ព្ទទៅប្តីរបស់គាត់ ដើម្បីស្តាប់ភាគីម្ខាងទៀត",
                                        False,
                                        "មិនត្រូវទេ។ ការធ្វើបែបនេះអាចធ្វើឱ្យគាត់ប្រឈមនឹងគ្រោះថ្នាក់កាន់តែខ្លាំង។",
                                    ),
                                ],
                            ),
                            (
                                "តើនរណាជាអ្នកសម្រេចថាត្រូវទាក់ទងសេវាមួយណា?",
                                "single",
                                [
                                    ("ជនរងគ្រោះ", True, "ត្រូវហើយ៖ វាជាជម្រើសរបស់គាត់។"),
                                    (
                                        "អ្នក ជាបុគ្គលិកគ្រប់គ្រងករណី",
                                        False,
                                        "មិនត្រូវទេ៖ អ្នកផ្តល់យោបល់ ប៉ុន្តែគាត់ជាអ្នកសម្រេច។",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
        "en": {
            "title": "Referring survivors of gender-based violence",
            "summary": "How to respond when someone tells you about violence, and how to refer them to health, legal and shelter services in your province.",
            "outcomes": [
                "Respond with respect when someone tells you about violence",
                "Refer a survivor to the service she chooses",
            ],
            "lessons": [
                {
                    "title": "Listening first",
                    "intro": "Your first reaction matters.",
                    "paragraphs": [
                        "When a woman tells you about violence, listen without judging and without asking for details she does not want to give. Tell her it is not her fault and that help exists.",
                        "Your role is not to investigate. It is to make sure she is safe now and knows her options.",
                    ],
                },
                {
                    "title": "Making a referral",
                    "intro": "Know the services in your province before you need them.",
                    "paragraphs": [
                        "Keep an up-to-date list of services in your province: the health centre or referral hospital, the provincial Department of Women's Affairs, legal aid organisations and safe shelters. Call ahead when you can, and ask the survivor which service she wants to contact first.",
                        "Share only the information the service needs, and only with her agreement.",
                    ],
                    "callout": (
                        "warning",
                        "Safety first",
                        "If she is in immediate danger, her safety comes before any paperwork.",
                    ),
                    "quiz": {
                        "title": "Check your understanding",
                        "pass_mark": 100,
                        "questions": [
                            (
                                "A woman tells you her husband hit her. What do you do first?",
                                "single",
                                [
                                    (
                                        "Listen, believe her and ask whether she is safe now",
                                        True,
                                        "Yes. Safety and trust come first.",
                                    ),
                                    (
                                        "Ask for every detail so you can write a full report",
                                        False,
                                        "No. She decides what she wants to tell.",
                                    ),
                                    (
                                        "Call her husband to hear his side",
                                        False,
                                        "No. This could put her in greater danger.",
                                    ),
                                ],
                            ),
                            (
                                "Who decides which service to contact?",
                                "single",
                                [
                                    ("The survivor", True, "Right: it is her choice."),
                                    (
                                        "You, as the caseworker",
                                        False,
                                        "No: you advise, she decides.",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
    },
    {
        "slug": "labour-rights-and-the-minimum-wage",
        "topics": ["labour-rights", "advocacy"],
        "languages": ["km", "en"],
        "level": "intermediate",
        "format": "self-paced",
        "hours": "3",
        "featured": False,
        "colour": (30, 107, 58),
        "km": {
            "title": "សិទ្ធិការងារ និងដំណើរការកំណត់ប្រាក់ឈ្នួលអប្បបរមា",
            "summary": "របៀបដែលប្រាក់ឈ្នួលអប្បបរមាក្នុងវិស័យកាត់ដេររបស់កម្ពុជាត្រូវបានកំណត់ជារៀងរាល់ឆ្នាំ និងរបៀបដែលសហជីពអាចរៀបចំភស្តុតាងសម្រាប់ការចរចា។",
            "outcomes": [
                "ពន្យល់ពីតួនាទីរបស់ក្រុមប្រឹក្សាជាតិប្រាក់ឈ្នួលអប្បបរមា",
                "រៀបចំការស្ទង់មតិអំពីតម្លៃជីវភាពរបស់សមាជិក",
            ],
            "lessons": [
                {
                    "title": "នរណាជាអ្នកកំណត់ប្រាក់ឈ្នួលអប្បបរមា",
                    "intro": "ដំណើរការត្រីភាគីដែលកើតឡើងជារៀងរាល់ឆ្នាំ។",
                    "paragraphs": [
                        "ជារៀងរាល់ឆ្នាំ ក្រុមប្រឹក្សាជាតិប្រាក់ឈ្នួលអប្បបរមា ដែលមានតំណាងរដ្ឋាភិបាល និយោជក និងសហជីព ពិភាក្សាអំពីប្រាក់ឈ្នួលអប្បបរមាសម្រាប់វិស័យវាយនភណ្ឌ កាត់ដេរ ស្បែកជើង និងផលិតផលធ្វើដំណើរ។ សំណើរបស់ក្រុមប្រឹក្សាត្រូវបានបញ្ជូនទៅរដ្ឋមន្ត្រីក្រសួងការងារ ហើយតួលេខចុងក្រោយត្រូវបានប្រកាសដោយរដ្ឋាភិបាល។",
                        "ច្បាប់ស្តីពីប្រាក់ឈ្នួលអប្បបរមា កំណត់លក្ខណៈវិនិច្ឆ័យដែលក្រុមប្រឹក្សាត្រូវពិចារណា រួមមានតម្លៃជីវភាព អតិផរណា ផលិតភាព និងភាពប្រកួតប្រជែងរបស់វិស័យ។",
                    ],
                },
                {
                    "title": "ការប្រមូលភស្តុតាង",
                    "intro": "តួលេខដែលគួរឱ្យទុកចិត្ត ពង្រឹងសំឡេងរបស់សហជីព។",
                    "paragraphs": [
                        "តួលេខមានឥទ្ធិពលបញ្ចុះបញ្ចូល។ ស្ទង់មតិសមាជិកអំពីចំណាយប្រចាំខែលើថ្លៃជួលផ្ទះ អាហារ ការធ្វើដំណើរ និងប្រាក់ផ្ញើទៅផ្ទះ ហើយរក្សាទុកវិក្កយបត្រប្រសិនបើអាចធ្វើបាន។ ការស្ទង់មតិតូចមួយដែលធ្វើដោយយកចិត្តទុកដាក់ មានតម្លៃជាងការស្ទង់មតិធំដែលធ្វើយ៉ាងប្រញាប់ប្រញាល់។",
                        "បង្ហាញលទ្ធផលក្នុងមួយទំព័រ ដោយពន្យល់ពីវិធីសាស្ត្រ មុនកិច្ចប្រជុំលើកដំបូងរបស់ក្រុមប្រឹក្សា។",
                    ],
                    "quiz": {
                        "title": "ពិនិត្យការយល់ដឹងរបស់អ្នក",
                        "pass_mark": 70,
                        "questions": [
                            (
                                "តើនរណាខ្លះជាសមាជិកក្រុមប្រឹក្សាជាតិប្រាក់ឈ្នួលអប្បបរមា?",
                                "single",
                                [
                                    ("រដ្ឋាភិបាល និយោជក និងសហជីព", True, "ត្រឹមត្រូវ៖ វាជាស្ថាប័នត្រីភាគី។"),
                                    (
                                        "មានតែមន្ត្រីរដ្ឋាភិបាលប៉ុណ្ណោះ",
                                        False,
                                        "មិនត្រូវទេ៖ និយោជក និងសហជីពក៏មានតំណាងដែរ។",
                                    ),
                                    (
                                        "មានតែអ្នកទិញ និងម៉ាកយីហោ",
                                        False,
                                        "មិនត្រូវទេ៖ ម៉ាកយីហោអន្តរជាតិមិនមែនជាសមាជិកទេ។",
                                    ),
                                ],
                            ),
                            (
                                "តើអ្វីខ្លះធ្វើឱ្យការស្ទង់មតិអំពីតម្លៃជីវភាពគួរឱ្យជឿជាក់?",
                                "multiple",
                                [
                                    (
                                        "ពន្យល់ពីរបៀបជ្រើសរើសសមាជិក",
                                        True,
                                        "ត្រូវហើយ៖ វិធីសាស្ត្រធ្វើឱ្យតួលេខគួរឱ្យទុកចិត្ត។",
                                    ),
                                    (
                                        "រក្សាទុកវិក្កយបត្រ",
                                        True,
                                        "ត្រូវហើយ៖ វិក្កយបត្របញ្ជាក់អ្វីដែលសមាជិករាយការណ៍។",
                                    ),
                                    (
                                        "បង្គត់តួលេខទាំងអស់ឡើងលើ",
                                        False,
                                        "មិនត្រូវទេ៖ តួលេខបំផ្លើសងាយនឹងត្រូវគេរិះគន់។",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
        "en": {
            "title": "Labour rights and the minimum wage process",
            "summary": "How Cambodia's garment-sector minimum wage is set each year, and how unions can prepare evidence for the negotiation.",
            "outcomes": [
                "Explain the role of the National Council on Minimum Wage",
                "Prepare a cost-of-living survey of members",
            ],
            "lessons": [
                {
                    "title": "Who sets the minimum wage",
                    "intro": "A tripartite process that happens every year.",
                    "paragraphs": [
                        "Each year the National Council on Minimum Wage, made up of representatives of the government, employers and unions, discusses the minimum wage for the textile, garment, footwear and travel goods sector. Its proposal goes to the Minister of Labour, and the final figure is announced by the government.",
                        "The law on minimum wage lists the criteria the Council must consider, including the cost of living, inflation, productivity and the competitiveness of the sector.",
                    ],
                },
                {
                    "title": "Gathering evidence",
                    "intro": "Credible numbers strengthen a union's voice.",
                    "paragraphs": [
                        "Numbers persuade. Survey members about what they spend each month on rent, food, transport and money sent home, and keep receipts where you can. A small survey done carefully is worth more than a large one done in a hurry.",
                        "Present the results in one page, with the method explained, before the Council's first meeting.",
                    ],
                    "quiz": {
                        "title": "Check your understanding",
                        "pass_mark": 70,
                        "questions": [
                            (
                                "Who sits on the National Council on Minimum Wage?",
                                "single",
                                [
                                    (
                                        "Government, employers and unions",
                                        True,
                                        "Correct: it is a tripartite body.",
                                    ),
                                    (
                                        "Only government officials",
                                        False,
                                        "No: employers and unions are represented too.",
                                    ),
                                    (
                                        "Only buyers and brands",
                                        False,
                                        "No: international brands are not members.",
                                    ),
                                ],
                            ),
                            (
                                "Which make a cost-of-living survey convincing?",
                                "multiple",
                                [
                                    (
                                        "Explaining how members were chosen",
                                        True,
                                        "Yes: the method makes numbers credible.",
                                    ),
                                    (
                                        "Keeping receipts",
                                        True,
                                        "Yes: receipts back up what members report.",
                                    ),
                                    (
                                        "Rounding every figure up",
                                        False,
                                        "No: inflated numbers are easy to attack.",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
    },
    {
        "slug": "advocacy-and-joint-statements",
        "topics": ["advocacy", "civic-education"],
        "languages": ["km"],
        "level": "intermediate",
        "format": "workshop-based",
        "hours": "5",
        "featured": False,
        "min_workshops": 1,
        "colour": (184, 92, 0),
        "km": {
            "title": "ការតស៊ូមតិ និងការរៀបចំសេចក្តីថ្លែងការណ៍រួម",
            "summary": "របៀបរៀបចំសេចក្តីថ្លែងការណ៍រួមជាមួយអង្គការដៃគូ ចាប់ពីសេចក្តីព្រាងដំបូងរហូតដល់ការផ្សព្វផ្សាយ។",
            "outcomes": [
                "សរសេរគោលបំណងនៃសេចក្តីថ្លែងការណ៍ក្នុងប្រយោគតែមួយ",
                "ស្វែងរកការឯកភាពពីដៃគូដោយគោរពសុវត្ថិភាពរបស់ពួកគេ",
            ],
            "lessons": [
                {
                    "title": "គោលបំណងច្បាស់លាស់",
                    "intro": "សេចក្តីថ្លែងការណ៍ខ្លី និងច្បាស់ មានឥទ្ធិពលជាង។",
                    "paragraphs": [
                        "សេចក្តីថ្លែងការណ៍រួមដ៏ល្អមួយ ចាប់ផ្តើមពីសំណួរមួយ៖ តើយើងចង់ឱ្យនរណាធ្វើអ្វី ហើយនៅពេលណា? សរសេរចម្លើយជាប្រយោគតែមួយ មុនពេលសរសេរអ្វីផ្សេងទៀត។",
                        "សេចក្តីថ្លែងការណ៍ដែលស្នើសុំរឿងច្រើនពេក ច្រើនតែមិនទទួលបានអ្វីសោះ។",
                    ],
                },
                {
                    "title": "ការស្វែងរកការឯកភាពពីដៃគូ",
                    "intro": "ដៃគូកាន់តែច្រើន សំឡេងកាន់តែខ្លាំង ប៉ុន្តែសុវត្ថិភាពមកមុន។",
                    "paragraphs": [
                        "ផ្ញើសេចក្តីព្រាងទៅដៃគូ ដោយកំណត់ថ្ងៃផុតកំណត់ច្បាស់លាស់សម្រាប់មតិយោបល់។ កត់ត្រាថាអង្គការណាខ្លះបានយល់ព្រមចុះហត្ថលេខា ហើយនរណាជាអ្នកសម្រេចនៅក្នុងអង្គការនីមួយៗ។",
                        "ប្រសិនបើដៃគូខ្លះមិនអាចចុះហត្ថលេខាជាសាធារណៈដោយសារហានិភ័យ សូមគោរពការសម្រេចចិត្តរបស់ពួកគេ។",
                    ],
                    "quiz": {
                        "title": "ពិនិត្យការយល់ដឹងរបស់អ្នក",
                        "pass_mark": 100,
                        "questions": [
                            (
                                "តើត្រូវសរសេរអ្វីជាមុនសិន?",
                                "single",
                                [
                                    (
                                        "ប្រយោគមួយដែលប្រាប់ថា យើងចង់ឱ្យនរណាធ្វើអ្វី និងនៅពេលណា",
                                        True,
                                        "ត្រូវហើយ៖ គោលបំណងច្បាស់ ដឹកនាំសេចក្តីថ្លែងការណ៍ទាំងមូល។",
                                    ),
                                    (
                                        "បញ្ជីឈ្មោះអង្គការដែលចុះហត្ថលេខា",
                                        False,
                                        "មិនទាន់ទេ៖ ដៃគូត្រូវដឹងជាមុនថាពួកគេកំពុងគាំទ្រអ្វី។",
                                    ),
                                ],
                            ),
                            (
                                "ដៃគូម្នាក់ខ្លាចហានិភ័យ ប្រសិនបើចុះហត្ថលេខាជាសាធារណៈ។ តើអ្នកគួរធ្វើអ្វី?",
                                "single",
                                [
                                    (
                                        "គោរពការសម្រេចចិត្តរបស់គេ",
                                        True,
                                        "ត្រូវហើយ៖ សុវត្ថិភាពរបស់ដៃគូសំខាន់ជាងចំនួនហត្ថលេខា។",
                                    ),
                                    (
                                        "បញ្ចូលឈ្មោះគេដដែល",
                                        False,
                                        "មិនត្រូវទេ៖ វាអាចធ្វើឱ្យគេប្រឈមនឹងគ្រោះថ្នាក់។",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
    },
    {
        "slug": "fundraising-and-donor-reporting",
        "topics": ["fundraising", "organisational-management"],
        "languages": ["km", "en"],
        "level": "introductory",
        "format": "self-paced",
        "hours": "3",
        "featured": False,
        "colour": (88, 70, 150),
        "km": {
            "title": "ការកៀរគរមូលនិធិ និងការរាយការណ៍ជូនម្ចាស់ជំនួយ",
            "summary": "ស្វែងរកម្ចាស់ជំនួយដែលស័ក្តិសមនឹងបេសកកម្មរបស់អ្នក សរសេរសំណើគម្រោងឱ្យច្បាស់លាស់ និងផ្ញើរបាយការណ៍ឱ្យទាន់ពេលវេលា។",
            "outcomes": [
                "ជ្រើសរើសម្ចាស់ជំនួយដែលស័ក្តិសមនឹងការងាររបស់អ្នក",
                "សរសេររបាយការណ៍ដែលប្រៀបធៀបលទ្ធផលជាមួយសូចនាករ",
            ],
            "lessons": [
                {
                    "title": "ការស្វែងរកម្ចាស់ជំនួយដែលស័ក្តិសម",
                    "intro": "ភាពស័ក្តិសមសំខាន់ជាងចំនួនសំណើ។",
                    "paragraphs": [
                        "អានអាទិភាពរបស់ម្ចាស់ជំនួយ មុនពេលអ្នកសរសេរទៅពួកគេ។ សំណើដែលស៊ីគ្នានឹងយុទ្ធសាស្ត្ររបស់ម្ចាស់ជំនួយ មានឱកាសល្អជាងសំណើដ៏ស្រស់ស្អាតដែលមិនស៊ីគ្នា។",
                        "រក្សាតារាងសាមញ្ញមួយនៃម្ចាស់ជំនួយដែលអាចមាន៖ អ្វីដែលពួកគេផ្តល់មូលនិធិ នៅខេត្តណាខ្លះ ទំហំជំនួយជាធម្មតា និងកាលបរិច្ឆេទផុតកំណត់។",
                    ],
                },
                {
                    "title": "ការរាយការណ៍ឱ្យទាន់ពេល",
                    "intro": "របាយការណ៍ល្អ បង្កើតទំនុកចិត្តសម្រាប់ជំនួយបន្ទាប់។",
                    "paragraphs": [
                        "របាយការណ៍ជូនម្ចាស់ជំនួយ ប្រាប់ពីអ្វីដែលអ្នកបានគ្រោងទុក អ្វីដែលអ្នកបានធ្វើ អ្វីដែលបានផ្លាស់ប្តូរ និងអ្វីដែលអ្នកបានចំណាយ។ ប្រៀបធៀបលទ្ធផលនីមួយៗជាមួយសូចនាករក្នុងសំណើ ហើយពន្យល់ពីភាពខុសគ្នាដោយស្មោះត្រង់។",
                        "ដាក់កាលបរិច្ឆេទផុតកំណត់នៃការរាយការណ៍ទាំងអស់ ក្នុងប្រតិទិនរួម នៅថ្ងៃដែលចុះហត្ថលេខាលើកិច្ចសន្យាជំនួយ។",
                    ],
                    "quiz": {
                        "title": "ពិនិត្យការយល់ដឹងរបស់អ្នក",
                        "pass_mark": 70,
                        "questions": [
                            (
                                "តើអ្នកគួរអានអ្វី មុនពេលសរសេរទៅម្ចាស់ជំនួយ?",
                                "single",
                                [
                                    (
                                        "អាទិភាព និងយុទ្ធសាស្ត្ររបស់ពួកគេ",
                                        True,
                                        "ត្រូវហើយ៖ ភាពស័ក្តិសមសំខាន់ជាងរបៀបសរសេរ។",
                                    ),
                                    (
                                        "តែទម្រង់ពាក្យស្នើសុំប៉ុណ្ណោះ",
                                        False,
                                        "មិនគ្រប់គ្រាន់ទេ៖ ត្រូវអានថាពួកគេចង់ផ្លាស់ប្តូរអ្វី។",
                                    ),
                                ],
                            ),
                            (
                                "តើអ្វីខ្លះគួរមាននៅក្នុងរបាយការណ៍ជូនម្ចាស់ជំនួយ?",
                                "multiple",
                                [
                                    ("លទ្ធផលប្រៀបធៀបនឹងសូចនាករ", True, "ត្រូវហើយ។"),
                                    (
                                        "អ្វីដែលអ្នកបានចំណាយ",
                                        True,
                                        "ត្រូវហើយ៖ របាយការណ៍ហិរញ្ញវត្ថុភ្ជាប់ជាមួយរបាយការណ៍ការងារ។",
                                    ),
                                    (
                                        "តែភាពជោគជ័យប៉ុណ្ណោះ",
                                        False,
                                        "មិនត្រូវទេ៖ ពន្យល់ផងដែរនូវអ្វីដែលមិនបានដំណើរការតាមផែនការ។",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
        "en": {
            "title": "Fundraising and donor reporting",
            "summary": "Find funders who fit your mission, write a clear proposal and send reports on time.",
            "outcomes": [
                "Choose funders that fit your work",
                "Write a report that compares results with indicators",
            ],
            "lessons": [
                {
                    "title": "Finding the right funder",
                    "intro": "Fit matters more than the number of proposals.",
                    "paragraphs": [
                        "Read a funder's priorities before you write to them. A proposal that fits a funder's strategy has a far better chance than a beautiful proposal that does not.",
                        "Keep a simple table of possible funders: what they fund, in which provinces, the usual grant size and the deadlines.",
                    ],
                },
                {
                    "title": "Reporting on time",
                    "intro": "A good report builds trust for the next grant.",
                    "paragraphs": [
                        "A donor report tells what you planned, what you did, what changed and what you spent. Compare each result with the indicator in the proposal, and explain any difference honestly.",
                        "Put every reporting deadline in a shared calendar the day the grant is signed.",
                    ],
                    "quiz": {
                        "title": "Check your understanding",
                        "pass_mark": 70,
                        "questions": [
                            (
                                "What should you read before writing to a funder?",
                                "single",
                                [
                                    (
                                        "Their priorities and strategy",
                                        True,
                                        "Yes: fit matters more than style.",
                                    ),
                                    (
                                        "Only the application form",
                                        False,
                                        "The form is not enough: read what they want to change.",
                                    ),
                                ],
                            ),
                            (
                                "What belongs in a donor report?",
                                "multiple",
                                [
                                    ("Results compared with the indicators", True, "Yes."),
                                    (
                                        "What you spent",
                                        True,
                                        "Yes: the financial report goes with the narrative.",
                                    ),
                                    (
                                        "Only the successes",
                                        False,
                                        "No: explain what did not go to plan as well.",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
    },
    {
        "slug": "financial-management-for-small-ngos",
        "topics": ["financial-management", "organisational-management"],
        "languages": ["km", "en"],
        "level": "introductory",
        "format": "self-paced",
        "hours": "6",
        "featured": False,
        "colour": (22, 96, 120),
        "km": {
            "title": "ការគ្រប់គ្រងហិរញ្ញវត្ថុសម្រាប់អង្គការក្រៅរដ្ឋាភិបាលខ្នាតតូច",
            "summary": "កត់ត្រាសៀវភៅសាច់ប្រាក់ បែងចែកតួនាទី និងរៀបចំខ្លួនសម្រាប់សវនកម្មលើកដំបូង។",
            "outcomes": [
                "កត់ត្រាសៀវភៅសាច់ប្រាក់ប្រចាំថ្ងៃ",
                "បែងចែកតួនាទីអនុម័ត ទូទាត់ និងពិនិត្យ",
                "រៀបចំឯកសារសម្រាប់សវនករ",
            ],
            "modules": [
                {
                    "title": "ការកត់ត្រាបញ្ជីប្រចាំថ្ងៃ",
                    "intro": "ទម្លាប់តូចៗដែលការពារប្រាក់របស់អង្គការ។",
                    "lessons": [
                        {
                            "title": "សៀវភៅសាច់ប្រាក់",
                            "intro": "កត់ត្រាអ្វីៗទាំងអស់ នៅថ្ងៃដែលវាកើតឡើង។",
                            "paragraphs": [
                                "កត់ត្រាការទូទាត់ និងការទទួលប្រាក់នីមួយៗ នៅថ្ងៃដែលវាកើតឡើង ដោយមានកាលបរិច្ឆេទ ចំនួនទឹកប្រាក់ គោលបំណង និងលេខវិក្កយបត្រ។ រាប់សាច់ប្រាក់នៅចុងសប្តាហ៍នីមួយៗ ហើយផ្ទៀងផ្ទាត់ជាមួយសៀវភៅ។",
                            ],
                        },
                        {
                            "title": "ការបែងចែកតួនាទី",
                            "intro": "មនុស្សម្នាក់មិនគួរធ្វើគ្រប់យ៉ាងទេ។",
                            "paragraphs": [
                                "អ្នកដែលអនុម័តការទូទាត់ មិនគួរជាអ្នកដែលធ្វើការទូទាត់នោះទេ។ ក្នុងក្រុមដែលមានបីនាក់ ម្នាក់អាចអនុម័ត ម្នាក់ទៀតអាចទូទាត់ ហើយម្នាក់ទៀតអាចពិនិត្យរបាយការណ៍ធនាគាររៀងរាល់ខែ។",
                            ],
                        },
                    ],
                },
                {
                    "title": "សវនកម្ម",
                    "intro": "សវនកម្មមិនគួរឱ្យខ្លាចទេ ប្រសិនបើឯកសាររបស់អ្នករៀបចំបានល្អ។",
                    "lessons": [
                        {
                            "title": "ការរៀបចំសម្រាប់សវនកម្ម",
                            "intro": "រកឯកសារណាមួយឃើញក្នុងរយៈពេលប៉ុន្មាននាទី។",
                            "paragraphs": [
                                "សវនករនឹងស្នើសុំសៀវភៅសាច់ប្រាក់ របាយការណ៍ធនាគារ វិក្កយបត្រ កិច្ចសន្យា និងកំណត់ហេតុនៃកិច្ចប្រជុំក្រុមប្រឹក្សាភិបាលដែលបានអនុម័តថវិកា។ រៀបចំទុកឯកសារតាមខែ ដើម្បីឱ្យអ្នកអាចរកឯកសារណាមួយឃើញក្នុងរយៈពេលប៉ុន្មាននាទី។",
                            ],
                            "quiz": {
                                "title": "ពិនិត្យការយល់ដឹងរបស់អ្នក",
                                "pass_mark": 100,
                                "questions": [
                                    (
                                        "តើនរណាគួរធ្វើការទូទាត់ ដែលនាយកបានអនុម័ត?",
                                        "single",
                                        [
                                            (
                                                "បុគ្គលិកម្នាក់ផ្សេងទៀត",
                                                True,
                                                "ត្រូវហើយ៖ ការបែងចែកតួនាទីការពារមនុស្សគ្រប់គ្នា។",
                                            ),
                                            (
                                                "នាយកផ្ទាល់",
                                                False,
                                                "មិនត្រូវទេ៖ មនុស្សម្នាក់មិនគួរទាំងអនុម័ត និងទូទាត់ទេ។",
                                            ),
                                        ],
                                    ),
                                    (
                                        "តើអ្នកគួររាប់សាច់ប្រាក់ ហើយផ្ទៀងផ្ទាត់ជាមួយសៀវភៅញឹកញាប់ប៉ុណ្ណា?",
                                        "single",
                                        [
                                            ("រៀងរាល់សប្តាហ៍", True, "ត្រឹមត្រូវ។"),
                                            (
                                                "ម្តងក្នុងមួយឆ្នាំ មុនពេលសវនកម្ម",
                                                False,
                                                "យឺតពេលហើយ៖ កំហុសពិបាកតាមដានបន្ទាប់ពីច្រើនខែ។",
                                            ),
                                        ],
                                    ),
                                ],
                            },
                        },
                    ],
                },
            ],
        },
        "en": {
            "title": "Financial management for small NGOs",
            "summary": "Keep a cash book, separate duties and prepare for your first audit.",
            "outcomes": [
                "Keep a daily cash book",
                "Separate approving, paying and checking",
                "Prepare your documents for an auditor",
            ],
            "modules": [
                {
                    "title": "Everyday bookkeeping",
                    "intro": "Small habits that protect the organisation's money.",
                    "lessons": [
                        {
                            "title": "The cash book",
                            "intro": "Record everything on the day it happens.",
                            "paragraphs": [
                                "Record every payment and every receipt on the day it happens, with the date, the amount, what it was for and the receipt number. Count the cash at the end of each week and check it against the book.",
                            ],
                        },
                        {
                            "title": "Separating duties",
                            "intro": "One person should not do everything.",
                            "paragraphs": [
                                "The person who approves a payment should not be the person who makes it. In a team of three, one person can approve, one can pay and one can check the bank statement each month.",
                            ],
                        },
                    ],
                },
                {
                    "title": "Audits",
                    "intro": "An audit is nothing to fear when your files are in order.",
                    "lessons": [
                        {
                            "title": "Preparing for an audit",
                            "intro": "Find any document in a few minutes.",
                            "paragraphs": [
                                "An auditor will ask for your cash book, bank statements, receipts, contracts and the minutes of board meetings that approved the budget. Keep them filed by month so that you can find any document in a few minutes.",
                            ],
                            "quiz": {
                                "title": "Check your understanding",
                                "pass_mark": 100,
                                "questions": [
                                    (
                                        "Who should make a payment that the director approved?",
                                        "single",
                                        [
                                            (
                                                "Another member of staff",
                                                True,
                                                "Yes: separating duties protects everyone.",
                                            ),
                                            (
                                                "The director",
                                                False,
                                                "No: one person should not both approve and pay.",
                                            ),
                                        ],
                                    ),
                                    (
                                        "How often should you count the cash and check it against the book?",
                                        "single",
                                        [
                                            ("Every week", True, "Right."),
                                            (
                                                "Once a year, before the audit",
                                                False,
                                                "Too late: mistakes are hard to trace after months.",
                                            ),
                                        ],
                                    ),
                                ],
                            },
                        },
                    ],
                },
            ],
        },
    },
    {
        "slug": "digital-security-for-activists",
        "topics": ["digital-security"],
        "languages": ["km", "en"],
        "level": "introductory",
        "format": "self-paced",
        "hours": "2",
        "featured": True,
        "colour": (40, 40, 60),
        "checklist": True,
        "km": {
            "title": "សុវត្ថិភាពឌីជីថលសម្រាប់សកម្មជន",
            "summary": "ការពារទូរស័ព្ទ គណនី និងមនុស្សដែលអ្នកធ្វើការជាមួយ មួយជំហានម្តងៗ។",
            "outcomes": [
                "ចាក់សោ និងធ្វើកូដនីយកម្មទូរស័ព្ទរបស់អ្នក",
                "ការពារគណនីដោយការផ្ទៀងផ្ទាត់ពីរជំហាន",
                "ស្គាល់សារបោកបញ្ឆោត",
            ],
            "lessons": [
                {
                    "title": "ការចាក់សោទូរស័ព្ទរបស់អ្នក",
                    "intro": "ទូរស័ព្ទរបស់អ្នកផ្ទុកព័ត៌មានរបស់មនុស្សជាច្រើន។",
                    "paragraphs": [
                        "កំណត់សោអេក្រង់យ៉ាងហោចណាស់ប្រាំមួយខ្ទង់ បើកការធ្វើកូដនីយកម្មរបស់ទូរស័ព្ទ ហើយដំឡើងកំណែថ្មីភ្លាមៗនៅពេលវាមកដល់។ ការវាយប្រហារភាគច្រើនប្រើចំណុចខ្សោយដែលកំណែថ្មីបានជួសជុលរួចហើយ។",
                    ],
                    "callout": (
                        "important",
                        "សំខាន់",
                        "កុំទុកទូរស័ព្ទដែលមិនចាក់សោ នៅកន្លែងសាធារណៈ សូម្បីតែមួយភ្លែត។",
                    ),
                },
                {
                    "title": "គណនីដែលរឹងមាំ",
                    "intro": "ពាក្យសម្ងាត់មួយ មិនគ្រប់គ្រាន់ទេ។",
                    "paragraphs": [
                        "ប្រើពាក្យសម្ងាត់ខុសៗគ្នាសម្រាប់គណនីនីមួយៗ ហើយរក្សាទុកក្នុងកម្មវិធីគ្រប់គ្រងពាក្យសម្ងាត់។ បើកការផ្ទៀងផ្ទាត់ពីរជំហានដោយប្រើកម្មវិធីផ្ទៀងផ្ទាត់ មិនមែនសារ SMS ទេ សម្រាប់អ៊ីមែល និងបណ្តាញសង្គមរបស់អ្នក។",
                    ],
                },
                {
                    "title": "ការស្គាល់សារបោកបញ្ឆោត",
                    "intro": "ឈប់មួយភ្លែត មុនពេលចុច។",
                    "paragraphs": [
                        "សារបោកបញ្ឆោត (phishing) តែងបង្កើតភាពប្រញាប់ប្រញាល់៖ «គណនីរបស់អ្នកនឹងត្រូវបិទនៅថ្ងៃនេះ»។ មុនពេលចុច សូមពិនិត្យអាសយដ្ឋានអ្នកផ្ញើ ហើយចុចឱ្យយូរលើតំណ ដើម្បីមើលថាវានាំទៅកន្លែងណាពិតប្រាកដ។ ប្រសិនបើមានការសង្ស័យ សូមទាក់ទងអ្នកផ្ញើតាមមធ្យោបាយផ្សេង។",
                    ],
                    "quiz": {
                        "title": "ពិនិត្យការយល់ដឹងរបស់អ្នក",
                        "pass_mark": 70,
                        "max_attempts": 3,
                        "questions": [
                            (
                                "តើជំហានទីពីរមួយណាមានសុវត្ថិភាពជាងគេ សម្រាប់គណនីអ៊ីមែលរបស់អ្នក?",
                                "single",
                                [
                                    (
                                        "កម្មវិធីផ្ទៀងផ្ទាត់",
                                        True,
                                        "ត្រូវហើយ៖ លេខកូដពីកម្មវិធី មិនអាចត្រូវគេលួចដោយការប្តូរស៊ីមកាតទេ។",
                                    ),
                                    (
                                        "លេខកូដផ្ញើតាមសារ SMS",
                                        False,
                                        "ល្អជាងគ្មាន ប៉ុន្តែសារ SMS អាចត្រូវគេស្ទាក់ចាប់បាន។",
                                    ),
                                    (
                                        "គ្មានជំហានទីពីរ",
                                        False,
                                        "មិនត្រូវទេ៖ ពាក្យសម្ងាត់ដែលត្រូវគេលួច នឹងគ្រប់គ្រាន់សម្រាប់ចូលគណនី។",
                                    ),
                                ],
                            ),
                            (
                                "តើអ្វីខ្លះជាសញ្ញានៃសារបោកបញ្ឆោត?",
                                "multiple",
                                [
                                    (
                                        "សារដែលប្រាប់ថាអ្នកត្រូវធ្វើសកម្មភាពនៅថ្ងៃនេះ",
                                        True,
                                        "ត្រូវហើយ៖ ភាពប្រញាប់ប្រញាល់ជាល្បិចធម្មតា។",
                                    ),
                                    ("តំណដែលអាសយដ្ឋានមិនត្រូវនឹងអ្នកផ្ញើ", True, "ត្រូវហើយ។"),
                                    (
                                        "សារពីមិត្តរួមការងារដែលអ្នកកំពុងរង់ចាំ",
                                        False,
                                        "មិនមែនដោយខ្លួនវាទេ ប៉ុន្តែនៅតែត្រូវពិនិត្យតំណដែលអ្នកមិនបានរំពឹងទុក។",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
        "en": {
            "title": "Digital security for activists",
            "summary": "Protect your phone, your accounts and the people you work with, step by step.",
            "outcomes": [
                "Lock and encrypt your phone",
                "Protect accounts with two-step verification",
                "Recognise phishing messages",
            ],
            "lessons": [
                {
                    "title": "Locking your phone",
                    "intro": "Your phone holds many people's information.",
                    "paragraphs": [
                        "Set a screen lock of at least six digits, turn on the phone's encryption and install updates as soon as they arrive. Most attacks use weaknesses that an update has already fixed.",
                    ],
                    "callout": (
                        "important",
                        "Important",
                        "Never leave an unlocked phone in a public place, even for a moment.",
                    ),
                },
                {
                    "title": "Strong accounts",
                    "intro": "One password is not enough.",
                    "paragraphs": [
                        "Use a different password for each account and keep them in a password manager. Turn on two-step verification with an authenticator app, not SMS, for your e-mail and social media.",
                    ],
                },
                {
                    "title": "Spotting phishing",
                    "intro": "Pause before you click.",
                    "paragraphs": [
                        "Phishing messages create urgency: “Your account will be closed today.” Before you click, check the sender's address and long-press the link to see where it really goes. When in doubt, contact the sender another way.",
                    ],
                    "quiz": {
                        "title": "Check your understanding",
                        "pass_mark": 70,
                        "max_attempts": 3,
                        "questions": [
                            (
                                "Which second step is safest for your e-mail account?",
                                "single",
                                [
                                    (
                                        "An authenticator app",
                                        True,
                                        "Yes: codes from an app cannot be taken by swapping your SIM card.",
                                    ),
                                    (
                                        "A code sent by SMS",
                                        False,
                                        "Better than nothing, but SMS can be intercepted.",
                                    ),
                                    (
                                        "No second step",
                                        False,
                                        "No: a stolen password would then be enough.",
                                    ),
                                ],
                            ),
                            (
                                "Which are signs of phishing?",
                                "multiple",
                                [
                                    (
                                        "A message that says you must act today",
                                        True,
                                        "Yes: urgency is a classic trick.",
                                    ),
                                    (
                                        "A link whose address does not match the sender",
                                        True,
                                        "Yes.",
                                    ),
                                    (
                                        "A message from a colleague you were expecting",
                                        False,
                                        "Not by itself, but still check links you did not expect.",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
    },
    {
        "slug": "running-online-trainings",
        "topics": ["media-communication", "organisational-management"],
        "languages": ["en"],
        "level": "intermediate",
        "format": "cohort",
        "hours": "3",
        "featured": False,
        "colour": (120, 60, 20),
        "source": "en",
        "en": {
            "title": "Running online trainings on a slow connection",
            "summary": "Plan sessions that work for participants on phones and 3G: short, text-first and recorded only with consent.",
            "outcomes": [
                "Design a session that works on a phone",
                "Keep participants involved without video",
            ],
            "lessons": [
                {
                    "title": "Design for the phone",
                    "intro": "Most participants join from a phone.",
                    "paragraphs": [
                        "Most participants will join on a phone, often outside Phnom Penh. Send materials as small PDFs or text the day before, keep slides simple and plan sessions of no more than 60 minutes.",
                        "Agree on a chat channel as a back-up in case the video drops.",
                    ],
                },
                {
                    "title": "Keeping people involved",
                    "intro": "Participation does not need a camera.",
                    "paragraphs": [
                        "Ask a question every ten minutes and let people answer in the chat, so that those without a microphone can take part. Summarise the key points in writing at the end, and share the recording only with people who agreed to be recorded.",
                    ],
                    "quiz": {
                        "title": "Check your understanding",
                        "pass_mark": 50,
                        "questions": [
                            (
                                "How long should an online session on a slow connection be?",
                                "single",
                                [
                                    (
                                        "No more than about 60 minutes",
                                        True,
                                        "Yes: attention and data both run out.",
                                    ),
                                    (
                                        "Three hours with one break",
                                        False,
                                        "Too long for most phones and data plans.",
                                    ),
                                ],
                            ),
                            (
                                "When may you share a recording?",
                                "single",
                                [
                                    (
                                        "When everyone recorded agreed",
                                        True,
                                        "Right: consent again.",
                                    ),
                                    (
                                        "Always: it was an open session",
                                        False,
                                        "No: people may face risks if their voice or face is shared.",
                                    ),
                                ],
                            ),
                        ],
                    },
                },
            ],
        },
    },
]

CATALOGUE = {
    "km": {
        "title": "វគ្គសិក្សា",
        "slug": "courses",
        "intro": "វគ្គសិក្សាខ្លីៗ សម្រាប់បុគ្គលិក និងអ្នកស្ម័គ្រចិត្តរបស់អង្គការសង្គមស៊ីវិល។ រៀនតាមល្បឿនរបស់អ្នក នៅលើទូរស័ព្ទ។",
    },
    "en": {
        "title": "Courses",
        "slug": "courses",
        "intro": "Short courses for staff and volunteers of civil-society organisations. Learn at your own pace, on your phone.",
    },
}

CHECKLIST = {
    "title": "Phone security checklist / បញ្ជីត្រួតពិនិត្យសុវត្ថិភាពទូរស័ព្ទ",
    "filename": "phone-security-checklist.txt",
    "text": (
        "Phone security checklist\n"
        "[ ] Screen lock of at least six digits\n"
        "[ ] Encryption turned on\n"
        "[ ] Updates installed\n"
        "[ ] Two-step verification with an authenticator app\n\n"
        "បញ្ជីត្រួតពិនិត្យសុវត្ថិភាពទូរស័ព្ទ\n"
        "[ ] សោអេក្រង់យ៉ាងហោចណាស់ប្រាំមួយខ្ទង់\n"
        "[ ] បើកការធ្វើកូដនីយកម្ម\n"
        "[ ] ដំឡើងកំណែថ្មី\n"
        "[ ] ការផ្ទៀងផ្ទាត់ពីរជំហានដោយកម្មវិធីផ្ទៀងផ្ទាត់\n"
    ),
}

"""Names for the demo: pupils as a Kent roll might list them, staff, and leavers' providers.

Every person and provider here is invented.
"""

BOYS = [
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Oscar", "Charlie", "Jacob",
    "Thomas", "Henry", "Freddie", "Alfie", "Theo", "William", "Archie", "Joshua", "Isaac",
    "Mason", "Riley", "Logan", "Kai", "Tyler", "Callum", "Liam", "Dylan", "Ethan", "Reuben",
    "Finley", "Harvey", "Louie", "Max", "Toby", "Ollie", "Jayden", "Kian", "Connor", "Lewis",
    "Jamie", "Ryan", "Aaron", "Bradley", "Ellis", "Frankie", "Tommy", "Alfie-Jay", "Stanley",
]  # fmt: skip

GIRLS = [
    "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence", "Mia", "Willow",
    "Rosie", "Sophia", "Isabella", "Grace", "Daisy", "Sienna", "Poppy", "Evie", "Elsie",
    "Phoebe", "Ruby", "Maisie", "Chloe", "Leah", "Jessica", "Amber", "Hannah", "Lacey",
    "Megan", "Ellie", "Summer", "Holly", "Millie", "Niamh", "Tia", "Kayla", "Lola", "Esme",
]  # fmt: skip

SURNAMES = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "King", "Baker",
    "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Parker", "Price",
    "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson",
    "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Okafor",
    "Mensah", "Osei", "Adeyemi", "O'Brien", "McCarthy", "Ashdown", "Fairbrother", "Pett",
    "Godden", "Larkin", "Buss", "Hoad", "Friend", "Sayer",
]  # fmt: skip

#: Pupils with English as an additional language: (forename, surname, "M" or "F").
EAL_PUPILS = [
    ("Kacper", "Nowak", "M"), ("Zuzanna", "Kowalska", "F"), ("Jakub", "Wiśniewski", "M"),
    ("Aisha", "Begum", "F"), ("Ayaan", "Hussain", "M"), ("Sabina", "Gurung", "F"),
    ("Bishal", "Rai", "M"), ("Andrei", "Popescu", "M"), ("Ioana", "Stan", "F"),
    ("Mohamed", "Abdi", "M"), ("Hodan", "Farah", "F"), ("Matei", "Ionescu", "M"),
    ("Anjali", "Thapa", "F"), ("Luka", "Horvat", "M"), ("Amira", "Haddad", "F"),
    ("Dawid", "Zielinski", "M"),
]  # fmt: skip

#: Class teachers (the assessors on judgements), by school key.
TEACHERS = {
    "milestone": [
        "Mrs J. Holloway", "Mr D. Ferris", "Ms A. Okonjo", "Miss R. Bassett", "Mr S. Gill",
        "Mrs L. Pettit", "Mr C. Abbott", "Ms H. Dunmore",
    ],
    "brookfield": ["Mrs E. Swaffer", "Miss T. Cheeseman", "Mr O. Rudd", "Mrs P. Adeyinka"],
    "riverside": ["Ms K. Adebayo", "Mr T. Hollis", "Mrs N. Fagg"],
}  # fmt: skip

#: Who moderates each school's judgements (termly, some with a partner school).
MODERATORS = {
    "milestone": ["Mrs A. Fairweather (deputy head)", "Trust moderation: Mrs E. Swaffer"],
    "brookfield": ["Mr G. Lidstone (assessment lead)", "Trust moderation: Mrs A. Fairweather"],
    "riverside": ["Ms C. Okwu (head of centre)"],
}

INDEPENDENT_SPECIALIST_COLLEGES = [
    "Meadowbank Specialist College",
    "Ashdown House College",
    "The Orchard Specialist College",
]
FE_COLLEGES = ["Medway Valley College", "North Downs College"]
SOCIAL_CARE = ["Brambles Day Opportunities", "Oakwood Community Support"]
